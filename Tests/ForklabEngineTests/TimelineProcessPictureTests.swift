// Exact timelines of processes: fork 3 and spawn child.sh 3, at 80 and 120
// columns, in Unicode and in ASCII.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension TimelinePictures {
    @Suite struct Processes {
        @Test("a forked child prints and exits right after its fork, one after another, at 80 columns in Unicode") func fork3At80Unicode() {
            #expect(Timeline(record: fork3, width: 80, unicode: true).render() == """
            timeline of fork 3 (520 µs)

            parent 4242 ────F────────────────F───────────────F──────────────────────#
            child 4243      F──────*X                                                 exit 0
            child 4244                       F────*─X                                 exit 0
            child 4245                                       F*────X                  exit 0
                        └──────────┴───────────┴───────────┴──────────┴───────────┴──
                        0          100 µs      200 µs      300 µs     400 µs      500 µs

            ─── alive   F fork: a child begins   * printed a line   X _exit: the child ends
            # the summary line

            """)
        }

        @Test("a forked child prints and exits right after its fork, one after another, at 80 columns in ASCII") func fork3At80ASCII() {
            #expect(Timeline(record: fork3, width: 80, unicode: false).render() == """
            timeline of fork 3 (520 us)

            parent 4242 ----F----------------F---------------F----------------------#
            child 4243      F------*X                                                 exit 0
            child 4244                       F----*-X                                 exit 0
            child 4245                                       F*----X                  exit 0
                        +----------+-----------+-----------+----------+-----------+--
                        0          100 us      200 us      300 us     400 us      500 us

            --- alive   F fork: a child begins   * printed a line   X _exit: the child ends
            # the summary line

            """)
        }

        @Test("a forked child prints and exits right after its fork, one after another, at 120 columns in Unicode") func fork3At120Unicode() {
            #expect(Timeline(record: fork3, width: 120, unicode: true).render() == """
            timeline of fork 3 (520 µs)

            parent 4242 ───────F──────────────────────────F───────────────────────────F─────────────────────────────────────#
            child 4243         F──────────*──X                                                                                exit 0
            child 4244                                    F─────────*──X                                                      exit 0
            child 4245                                                               F*─────────X                             exit 0
                        └──────────────────┴──────────────────┴───────────────────┴──────────────────┴───────────────────┴───
                        0                  100 µs             200 µs              300 µs             400 µs              500 µs

            ─── alive   F fork: a child begins   * printed a line   X _exit: the child ends   # the summary line

            """)
        }

        @Test("a forked child prints and exits right after its fork, one after another, at 120 columns in ASCII") func fork3At120ASCII() {
            #expect(Timeline(record: fork3, width: 120, unicode: false).render() == """
            timeline of fork 3 (520 us)

            parent 4242 -------F--------------------------F---------------------------F-------------------------------------#
            child 4243         F----------*--X                                                                                exit 0
            child 4244                                    F---------*--X                                                      exit 0
            child 4245                                                               F*---------X                             exit 0
                        +------------------+------------------+-------------------+------------------+-------------------+---
                        0                  100 us             200 us              300 us             400 us              500 us

            --- alive   F fork: a child begins   * printed a line   X _exit: the child ends   # the summary line

            """)
        }

        @Test("the three spawned children overlap on the timeline, and the killed one says so, at 80 columns in Unicode") func spawn3At80Unicode() {
            #expect(Timeline(record: spawn3, width: 80, unicode: true).render() == """
            timeline of spawn child.sh 3 (2.65 ms)

            parent 6000 ─F─F─F─────────────────────────R────────────────────R─────R#
            child 6001   FE═════════════════════════════════════════════════R        exit 0
            child 6002     FE══════════════════════════R                             SIGKILL
            child 6003       FE═══════════════════════════════════════════════════R  exit 0
                        └──────────┴──────────┴──────────┴───────────┴──────────┴───
                        0          500 µs     1 ms       1.5 ms      2 ms       2.5 ms

            ─── alive   F fork: a child begins   E execvp: the child becomes child.sh
            ═══ running child.sh   R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("the three spawned children overlap on the timeline, and the killed one says so, at 80 columns in ASCII") func spawn3At80ASCII() {
            #expect(Timeline(record: spawn3, width: 80, unicode: false).render() == """
            timeline of spawn child.sh 3 (2.65 ms)

            parent 6000 -F-F-F-------------------------R--------------------R-----R#
            child 6001   FE=================================================R        exit 0
            child 6002     FE==========================R                             SIGKILL
            child 6003       FE===================================================R  exit 0
                        +----------+----------+----------+-----------+----------+---
                        0          500 us     1 ms       1.5 ms      2 ms       2.5 ms

            --- alive   F fork: a child begins   E execvp: the child becomes child.sh
            === running child.sh   R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("the three spawned children overlap on the timeline, and the killed one says so, at 120 columns in Unicode") func spawn3At120Unicode() {
            #expect(Timeline(record: spawn3, width: 120, unicode: true).render() == """
            timeline of spawn child.sh 3 (2.65 ms)

            parent 6000 ─F───F───F──────────────────────────────────────────R─────────────────────────────────R───────────R#
            child 6001   F──E═════════════════════════════════════════════════════════════════════════════════R              exit 0
            child 6002       F─E════════════════════════════════════════════R                                                SIGKILL
            child 6003           F─E══════════════════════════════════════════════════════════════════════════════════════R  exit 0
                        └─────────────────┴──────────────────┴──────────────────┴──────────────────┴──────────────────┴─────
                        0                 500 µs             1 ms               1.5 ms             2 ms               2.5 ms

            ─── alive   F fork: a child begins   E execvp: the child becomes child.sh   ═══ running child.sh
            R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("the three spawned children overlap on the timeline, and the killed one says so, at 120 columns in ASCII") func spawn3At120ASCII() {
            #expect(Timeline(record: spawn3, width: 120, unicode: false).render() == """
            timeline of spawn child.sh 3 (2.65 ms)

            parent 6000 -F---F---F------------------------------------------R---------------------------------R-----------R#
            child 6001   F--E=================================================================================R              exit 0
            child 6002       F-E============================================R                                                SIGKILL
            child 6003           F-E======================================================================================R  exit 0
                        +-----------------+------------------+------------------+------------------+------------------+-----
                        0                 500 us             1 ms               1.5 ms             2 ms               2.5 ms

            --- alive   F fork: a child begins   E execvp: the child becomes child.sh   === running child.sh
            R reaped by the parent (waitpid)   # the summary line

            """)
        }
    }
}
