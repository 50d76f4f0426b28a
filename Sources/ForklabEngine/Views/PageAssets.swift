/// The fixed parts of the saved page (`TimelinePage`): its style, the
/// elements the script draws into, and the script. Nothing in them comes
/// from a record.
enum PageAssets {
    /// Colours as the terminal's: the parent's lines yellow, a child's cyan,
    /// a thread's number in one of six (green, yellow, blue, magenta, cyan,
    /// bright blue), each dark enough to read on white, on screen and printed.
    static let style = #"""
    :root { color-scheme: light; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    body { margin: 12px; font: 14px/1.4 system-ui, sans-serif; color: #1b1b1b; background: #fff; }
    h1 { font-size: 18px; margin: 0 0 4px; }
    h1 #command, #summary, svg text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    #summary { margin: 0 0 2px; white-space: pre-wrap; }
    #facts, .help { margin: 0 0 4px; color: #555; font-size: 12px; }
    #axis-wrap { position: sticky; top: 0; background: #fff; z-index: 1; border-bottom: 1px solid #bbb; }
    svg { display: block; user-select: none; -webkit-user-select: none; }
    svg text { font-size: 12px; dominant-baseline: central; }
    #lanes { cursor: grab; }
    #lanes.dragging { cursor: grabbing; }
    .stripe { fill: #f4f4f4; }
    .grid { stroke: #e2e2e2; stroke-width: 1; }
    .tick { stroke: #555; }
    .ticklabel { fill: #333; }
    .label { fill: #1b1b1b; }
    .s-alive { stroke: #666; stroke-width: 1.5; }
    .s-program { stroke: #666; stroke-width: 4; }
    .s-zombie { stroke: #888; stroke-width: 1.5; stroke-dasharray: 1 3; }
    .s-asleep { stroke: #5b7fb0; stroke-width: 2; stroke-dasharray: 4 3; }
    .s-mutex { stroke: #d08a8a; stroke-width: 7; }
    .s-condition { stroke: #d9b650; stroke-width: 7; }
    .mark { font-weight: bold; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; fill: #1b1b1b; cursor: default; }
    .parent .mark { fill: #8a6a00; } .child .mark { fill: #00727e; }
    .t0 .mark { fill: #2a7a2a; } .t1 .mark { fill: #8a6a00; } .t2 .mark { fill: #1f4fc4; }
    .t3 .mark { fill: #9c1f94; } .t4 .mark { fill: #00727e; } .t5 .mark { fill: #1a78d6; }
    #legend { margin-top: 8px; font-size: 12px; display: flex; flex-wrap: wrap; gap: 2px 24px; }
    #legend .glyph { display: inline-block; width: 3em; font: bold 12px ui-monospace, "DejaVu Sans Mono", monospace; }
    #tip { position: fixed; z-index: 2; max-width: 36em; padding: 4px 6px; background: #fffbe6; border: 1px solid #999;
           font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; pointer-events: none; }
    @media print { .help, #tip { display: none !important; } body { margin: 0; } #axis-wrap { position: static; } }

    """#

    static let body = #"""
    <div id="view"><div id="axis-wrap"><svg id="axis" height="34"></svg></div><svg id="lanes"></svg></div>
    <div id="legend"></div>
    <div id="tip" hidden></div>

    """#

    /// Draws the lanes on screen (all of them to print) over the time
    /// shown, `view`; more marks than a few pixels can tell apart show the
    /// most telling one, with lines counted, as a column of the terminal's
    /// timeline does. When done, and laid out, it notes on <html> how long
    /// since the page began to load (`data-drawn-ms`, from
    /// `performance.now()`), with the lanes and marks it holds
    /// (`data-lanes`, `data-marks`), for `chromium --headless --dump-dom`.
    static let script = #"""
    "use strict";
    (function () {
      var data = JSON.parse(document.getElementById("forklab-data").textContent);
      var NS = "http://www.w3.org/2000/svg";
      var ROW = 20, RIGHT = 14, SLACK = 25, EACH = 2000, CHAR = 7.3;
      var lanes = data.lanes, kinds = data.kinds, end = Math.max(data.end, 1);
      var view = { from: 0, to: end }, printing = false, width = 800, labelWidth = 160, labelChars = 20;
      var axis = document.getElementById("axis"), plot = document.getElementById("lanes");
      var tip = document.getElementById("tip"), root = document.documentElement;

      function node(name, attributes, text) {
        var element = document.createElementNS(NS, name);
        for (var key in attributes) element.setAttribute(key, attributes[key]);
        if (text !== undefined) element.textContent = text;
        return element;
      }
      function labelOf(lane) {
        return lane.n + (lane.id ? " (" + lane.id + ")" : "") + (lane.note ? "  " + lane.note : "");
      }
      function cut(text) { return text.length <= labelChars ? text : text.slice(0, labelChars - 1) + "\u2026"; }
      function duration(ns) {
        var units = [[1e9, "s"], [1e6, "ms"], [1e3, "\u00b5s"]];
        for (var i = 0; i < units.length; i++) {
          if (ns >= units[i][0]) {
            var v = ns / units[i][0];
            return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + " " + units[i][1];
          }
        }
        return Math.round(ns) + " ns";
      }
      function tickText(ns) {
        if (ns === 0) return "0";
        var units = [[1e9, "s"], [1e6, "ms"], [1e3, "\u00b5s"], [1, "ns"]];
        for (var i = 0; i < units.length; i++) {
          if (ns >= units[i][0]) return String(+(ns / units[i][0]).toFixed(3)) + " " + units[i][1];
        }
        return ns + " ns";
      }
      function exact(ns) { return ns >= 1e6 ? (ns / 1e6).toFixed(6) + " ms" : (ns / 1e3).toFixed(3) + " \u00b5s"; }
      function scale() { return (width - labelWidth - RIGHT) / (view.to - view.from); }
      function xOf(t) { return labelWidth + (t - view.from) * scale(); }

      function measure() {
        width = Math.max(480, (printing ? 1000 : document.documentElement.clientWidth - 24));
        var longest = 8;
        for (var i = 0; i < lanes.length; i++) longest = Math.max(longest, labelOf(lanes[i]).length);
        labelWidth = Math.min(longest * CHAR + 14, Math.floor(width * 0.4));
        labelChars = Math.floor((labelWidth - 14) / CHAR + 0.01);
      }

      // Ticks every 1, 2 or 5 x 10^n ns, at least 90 pixels apart.
      function ticks() {
        var span = view.to - view.from, step = 1;
        for (;;) {
          var found = [1, 2, 5].find(function (m) { return step * m * scale() >= 90; });
          if (found) { step *= found; break; }
          step *= 10;
        }
        var list = [];
        for (var t = Math.ceil(view.from / step) * step; t <= view.to; t += step) list.push(t);
        return list;
      }
      function drawAxis(list) {
        var parts = document.createDocumentFragment();
        axis.setAttribute("width", width);
        parts.appendChild(node("line", { "class": "tick", x1: labelWidth, x2: width - RIGHT, y1: 33, y2: 33 }));
        parts.appendChild(node("text", { "class": "ticklabel", x: 4, y: 16 }, cut("time since start")));
        list.forEach(function (t) {
          var x = xOf(t);
          parts.appendChild(node("line", { "class": "tick", x1: x, x2: x, y1: 26, y2: 33 }));
          parts.appendChild(node("text", { "class": "ticklabel", x: x, y: 16, "text-anchor": x > width - 60 ? "end" : "middle" }, tickText(t)));
        });
        axis.replaceChildren(parts);
      }

      // The first mark at or after `t` in a lane's marks (time, kind, line).
      function lowerBound(m, t) {
        var lo = 0, hi = m.length / 3;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (m[3 * mid] < t) lo = mid + 1; else hi = mid; }
        return lo;
      }
      function segment(group, a, b, kind) {
        a = Math.max(a, view.from); b = Math.min(b, view.to);
        if (b < a) return;
        var x1 = xOf(a), x2 = Math.max(xOf(b), x1 + 1);
        group.appendChild(node("line", { "class": "s-" + kind, x1: x1, x2: x2, y1: ROW / 2, y2: ROW / 2 }));
      }
      function drawLane(i) {
        var lane = lanes[i];
        var group = node("g", { "class": "lane " + lane.c, "data-lane": i, transform: "translate(0," + (i * ROW) + ")" });
        if (i % 2) group.appendChild(node("rect", { "class": "stripe", x: 0, y: 0, width: width, height: ROW }));
        group.appendChild(node("text", { "class": "label", x: 4, y: ROW / 2 }, cut(labelOf(lane))));
        var st = lane.st;
        for (var k = 0; k < st.length; k++) segment(group, st[k][0], k + 1 < st.length ? st[k + 1][0] : lane.e, st[k][1]);
        for (k = 0; k < lane.ov.length; k++) segment(group, lane.ov[k][0], lane.ov[k][1], lane.ov[k][2]);
        var m = lane.m, pad = 8 / scale();
        var lo = lowerBound(m, view.from - pad), hi = lowerBound(m, view.to + pad);
        if (hi - lo <= EACH || printing && hi - lo <= 4 * EACH) {
          for (var j = lo; j < hi; j++) {
            group.appendChild(node("text", { "class": "mark", x: xOf(m[3 * j]), y: ROW / 2, "data-i": j }, kinds[m[3 * j + 1]][0]));
          }
          return group;
        }
        // Too many to tell apart: the most telling in each 4 pixels, lines counted.
        var column = -1, best = -1, lines = 0, count = 0;
        function flush() {
          if (best < 0) return;
          var kind = kinds[m[3 * best + 1]], glyph = kind[0];
          if (kind[3] && lines > 1) glyph = lines < 10 ? String(lines) : "+";
          group.appendChild(node("text", { "class": "mark", x: xOf(m[3 * best]), y: ROW / 2, "data-i": best, "data-n": count }, glyph));
        }
        for (j = lo; j < hi; j++) {
          var c = Math.floor(xOf(m[3 * j]) / 4);
          if (c !== column) { flush(); column = c; best = -1; lines = 0; count = 0; }
          var k2 = kinds[m[3 * j + 1]];
          count++;
          if (k2[3]) lines++;
          if (best < 0 || k2[1] > kinds[m[3 * best + 1]][1]) best = j;
        }
        flush();
        return group;
      }
      function drawLanes(list) {
        var total = lanes.length, first = 0, last = total;
        plot.setAttribute("width", width);
        plot.setAttribute("height", total * ROW);
        if (!printing) {
          var top = plot.getBoundingClientRect().top;
          first = Math.max(0, Math.floor(-top / ROW) - SLACK);
          last = Math.min(total, Math.ceil((window.innerHeight - top) / ROW) + SLACK);
        }
        var parts = document.createDocumentFragment();
        list.forEach(function (t) {
          var x = xOf(t);
          parts.appendChild(node("line", { "class": "grid", x1: x, x2: x, y1: 0, y2: total * ROW }));
        });
        for (var i = first; i < last; i++) parts.appendChild(drawLane(i));
        plot.replaceChildren(parts);
      }
      function draw() {
        var list = ticks();
        drawAxis(list);
        drawLanes(list);
      }
      var pending = false;
      function schedule() {
        if (pending) return;
        pending = true;
        requestAnimationFrame(function () { pending = false; draw(); });
      }

      function legend() {
        var box = document.getElementById("legend"), parts = document.createDocumentFragment();
        data.used.forEach(function (name) {
          var row = document.createElement("div"), sample = node("svg", { width: 36, height: 12, style: "display:inline-block;vertical-align:middle;margin-right:6px" });
          sample.appendChild(node("line", { "class": "s-" + name, x1: 2, x2: 34, y1: 6, y2: 6 }));
          row.appendChild(sample);
          row.appendChild(document.createTextNode(data.stretches[name]));
          parts.appendChild(row);
        });
        kinds.slice().sort(function (a, b) { return b[1] - a[1]; }).forEach(function (kind) {
          var row = document.createElement("div"), glyph = document.createElement("span");
          glyph.className = "glyph";
          glyph.textContent = kind[0];
          row.appendChild(glyph);
          row.appendChild(document.createTextNode(kind[2]));
          parts.appendChild(row);
        });
        box.replaceChildren(parts);
      }

      function clampView() {
        var span = Math.min(Math.max(view.to - view.from, Math.min(end, 20)), end);
        view.from = Math.min(Math.max(view.from, 0), end - span);
        view.to = view.from + span;
      }
      function zoom(factor, x) {
        var at = view.from + (Math.min(Math.max(x, labelWidth), width - RIGHT) - labelWidth) / scale();
        var span = view.to - view.from, next = Math.min(end, Math.max(Math.min(end, 20), span * factor));
        view.from = at - (at - view.from) * next / span;
        view.to = view.from + next;
        clampView();
        schedule();
      }
      function pan(ns) { view.from += ns; view.to += ns; clampView(); schedule(); }
      var surface = document.getElementById("view");
      surface.addEventListener("wheel", function (event) {
        var x = event.clientX - surface.getBoundingClientRect().left;
        if (x < labelWidth) return;  // over the labels the wheel scrolls the page
        event.preventDefault();
        if (Math.abs(event.deltaX) > Math.abs(event.deltaY)) { pan(event.deltaX / scale()); return; }
        zoom(Math.exp(event.deltaY * (event.deltaMode ? 0.05 : 0.0015)), x);
      }, { passive: false });
      var drag = null;
      plot.addEventListener("mousedown", function (event) {
        if (event.button !== 0) return;
        drag = { x: event.clientX, from: view.from };
        plot.classList.add("dragging");
        event.preventDefault();
      });
      window.addEventListener("mousemove", function (event) {
        if (!drag) return;
        var span = view.to - view.from;
        view.from = drag.from - (event.clientX - drag.x) / scale();
        view.to = view.from + span;
        clampView();
        schedule();
      });
      window.addEventListener("mouseup", function () { drag = null; plot.classList.remove("dragging"); });
      document.addEventListener("keydown", function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) return;
        var middle = labelWidth + (width - RIGHT - labelWidth) / 2, span = view.to - view.from;
        if (event.key === "+" || event.key === "=") zoom(1 / 1.5, middle);
        else if (event.key === "-" || event.key === "_" || event.key === "\u2212") zoom(1.5, middle);
        else if (event.key === "0") { view.from = 0; view.to = end; schedule(); }
        else if (event.key === "ArrowLeft") pan(-span / 10);
        else if (event.key === "ArrowRight") pan(span / 10);
        else return;
        event.preventDefault();
      });
      plot.addEventListener("mousemove", function (event) {
        var mark = event.target.closest && event.target.closest(".mark");
        if (!mark || drag) { tip.hidden = true; return; }
        var lane = lanes[+mark.parentNode.getAttribute("data-lane")], j = +mark.getAttribute("data-i");
        var kind = kinds[lane.m[3 * j + 1]], line = lane.m[3 * j + 2], n = +(mark.getAttribute("data-n") || 1);
        var text = [kind[0] + "  " + kind[2]];
        if (line) text.push("\u201c" + line + "\u201d");
        text.push(lane.n + "   pid " + lane.pid + (lane.tid !== lane.pid ? "   tid " + lane.tid : ""));
        text.push("at " + exact(lane.m[3 * j]) + " (" + duration(lane.m[3 * j]) + ")");
        if (n > 1) text.push(n + " marks in these pixels: zoom in to see each");
        tip.textContent = text.join("\n");
        tip.hidden = false;
        tip.style.left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 4) + "px";
        tip.style.top = Math.min(event.clientY + 14, window.innerHeight - tip.offsetHeight - 4) + "px";
      });
      plot.addEventListener("mouseleave", function () { tip.hidden = true; });
      window.addEventListener("scroll", schedule, { passive: true });
      window.addEventListener("resize", function () { measure(); schedule(); });
      window.addEventListener("beforeprint", function () { printing = true; measure(); draw(); });
      window.addEventListener("afterprint", function () { printing = false; measure(); draw(); });

      var marks = 0;
      for (var i = 0; i < lanes.length; i++) marks += lanes[i].m.length / 3;
      root.setAttribute("data-lanes", lanes.length);
      root.setAttribute("data-marks", marks);
      measure();
      legend();
      draw();
      void document.body.offsetHeight;  // the layout too, not only the elements
      root.setAttribute("data-drawn-ms", performance.now().toFixed(1));
    })();

    """#
}
