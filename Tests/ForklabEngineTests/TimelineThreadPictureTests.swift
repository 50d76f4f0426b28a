// Exact timelines of threads: threads 3 count 4 and produce 2 consume 2, at
// 80 and 120 columns, in Unicode and in ASCII.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension TimelinePictures {
    @Suite struct Threads {
        @Test("the threads' lines interleave on their lanes, at 80 columns in Unicode") func threads3At80Unicode() {
            #expect(Timeline(record: threads3, width: 80, unicode: true).render() == """
            timeline of threads 3 count 4 (200 µs)

            main thread ──────────────────────────────────────────────────────*────#
            thread 0          ├*──────────**───────────────────*┤                    4 lines
            thread 1             ├──*───────────*─────*──────────────*┤              4 lines
            thread 2                 ├─*───────────*─────*──────────────*┤           4 lines
                        └──────────────┴──────────────┴──────────────┴─────────────┴
                        0              50 µs          100 µs         150 µs        200 µs

            ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line
            # the summary line

            """)
        }

        @Test("the threads' lines interleave on their lanes, at 80 columns in ASCII") func threads3At80ASCII() {
            #expect(Timeline(record: threads3, width: 80, unicode: false).render() == """
            timeline of threads 3 count 4 (200 us)

            main thread ------------------------------------------------------*----#
            thread 0          [*----------**-------------------*]                    4 lines
            thread 1             [--*-----------*-----*--------------*]              4 lines
            thread 2                 [-*-----------*-----*--------------*]           4 lines
                        +--------------+--------------+--------------+-------------+
                        0              50 us          100 us         150 us        200 us

            --- alive   [ a thread starts   ] the thread returns   * printed a line
            # the summary line

            """)
        }

        @Test("the threads' lines interleave on their lanes, at 120 columns in Unicode") func threads3At120Unicode() {
            #expect(Timeline(record: threads3, width: 120, unicode: true).render() == """
            timeline of threads 3 count 4 (200 µs)

            main thread ──────────────────────────────────────────────────────────────────────────────────────────*────────#
            thread 0              ├─*─────────────────*─*────────────────────────────────*─┤                                 4 lines
            thread 1                   ├────*───────────────────*─────────*────────────────────────*─┤                       4 lines
            thread 2                          ├──*───────────────────*─────────*────────────────────────*─┤                  4 lines
                        └─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴────────┴
                        0         20 µs     40 µs     60 µs     80 µs     100 µs    120 µs    140 µs    160 µs    180 µs   200 µs

            ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line   # the summary line

            """)
        }

        @Test("the threads' lines interleave on their lanes, at 120 columns in ASCII") func threads3At120ASCII() {
            #expect(Timeline(record: threads3, width: 120, unicode: false).render() == """
            timeline of threads 3 count 4 (200 us)

            main thread ------------------------------------------------------------------------------------------*--------#
            thread 0              [-*-----------------*-*--------------------------------*-]                                 4 lines
            thread 1                   [----*-------------------*---------*------------------------*-]                       4 lines
            thread 2                          [--*-------------------*---------*------------------------*-]                  4 lines
                        +---------+---------+---------+---------+---------+---------+---------+---------+---------+--------+
                        0         20 us     40 us     60 us     80 us     100 us    120 us    140 us    160 us    180 us   200 us

            --- alive   [ a thread starts   ] the thread returns   * printed a line   # the summary line

            """)
        }

        @Test("each consumer shows which producer's message it took, at 80 columns in Unicode") func produce2At80Unicode() {
            #expect(Timeline(record: produce2, width: 80, unicode: true).render() == """
            timeline of produce 2 consume 2 (90.0 µs)

            main thread ───────────────────────────────────────────────────────*─────#
            producer 0        ├─────────────0──────0──────0──────0┤                    put 4
            producer 1            ├─────────────1──────1─────1──────1┤                 put 4
            consumer 0               ├────────0───────0────0───1──────1──┤             got 5
            consumer 1                   ├────────1──────1────────0─────┤              got 3
                        └────────────┴─────────────┴─────────────┴─────────────┴──────
                        0            20 µs         40 µs         60 µs         80 µs

            ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line
            0-9 put (producer) or got (consumer) a message of producer 0-9
            # the summary line

            """)
        }

        @Test("each consumer shows which producer's message it took, at 80 columns in ASCII") func produce2At80ASCII() {
            #expect(Timeline(record: produce2, width: 80, unicode: false).render() == """
            timeline of produce 2 consume 2 (90.0 us)

            main thread -------------------------------------------------------*-----#
            producer 0        [-------------0------0------0------0]                    put 4
            producer 1            [-------------1------1-----1------1]                 put 4
            consumer 0               [--------0-------0----0---1------1--]             got 5
            consumer 1                   [--------1------1--------0-----]              got 3
                        +------------+-------------+-------------+-------------+------
                        0            20 us         40 us         60 us         80 us

            --- alive   [ a thread starts   ] the thread returns   * printed a line
            0-9 put (producer) or got (consumer) a message of producer 0-9
            # the summary line

            """)
        }

        @Test("each consumer shows which producer's message it took, at 120 columns in Unicode") func produce2At120Unicode() {
            #expect(Timeline(record: produce2, width: 120, unicode: true).render() == """
            timeline of produce 2 consume 2 (90.0 µs)

            main thread ──────────────────────────────────────────────────────────────────────────────────────────*──────────#
            producer 0             ├──────────────────────0──────────0──────────0───────────0┤                                 put 4
            producer 1                   ├─────────────────────1───────────1──────────1──────────1┤                            put 4
            consumer 0                        ├─────────────0────────────0────────0──────1───────────1───┤                     got 5
            consumer 1                              ├──────────────1──────────1───────────────0────────┤                       got 3
                        └──────────┴──────────┴───────────┴──────────┴──────────┴───────────┴──────────┴──────────┴──────────┴
                        0          10 µs      20 µs       30 µs      40 µs      50 µs       60 µs      70 µs      80 µs      90 µs

            ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line
            0-9 put (producer) or got (consumer) a message of producer 0-9   # the summary line

            """)
        }

        @Test("each consumer shows which producer's message it took, at 120 columns in ASCII") func produce2At120ASCII() {
            #expect(Timeline(record: produce2, width: 120, unicode: false).render() == """
            timeline of produce 2 consume 2 (90.0 us)

            main thread ------------------------------------------------------------------------------------------*----------#
            producer 0             [----------------------0----------0----------0-----------0]                                 put 4
            producer 1                   [---------------------1-----------1----------1----------1]                            put 4
            consumer 0                        [-------------0------------0--------0------1-----------1---]                     got 5
            consumer 1                              [--------------1----------1---------------0--------]                       got 3
                        +----------+----------+-----------+----------+----------+-----------+----------+----------+----------+
                        0          10 us      20 us       30 us      40 us      50 us       60 us      70 us      80 us      90 us

            --- alive   [ a thread starts   ] the thread returns   * printed a line
            0-9 put (producer) or got (consumer) a message of producer 0-9   # the summary line

            """)
        }
    }
}
