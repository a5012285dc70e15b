// The scenario explorer, "play the scheduler": each
// <div class="explorer" data-scenario="NAME"> (src/generated/explorer-NAME.md)
// becomes a game in which the reader picks which thread steps next.
// Its data, window.lockbookScenarios[NAME] (src/explorer/NAME.js), is every
// schedule of the scenario as shuttle ran it: a tree whose node 0 is the
// start and whose ready threads each lead to a child node. theme/lockbook.js
// loads this file, explorer.css and the data only on a page with an explorer.
//
// DOM contract (tests/browser/specs/explorer.spec.mjs relies on it): the div
// gets class `explorer-on`; its markdown moves into `.explorer-fallback`
// (hidden on screen, shown in print: theme/book.css) and the game is
// `.explorer-ui`: `.explorer-summary`, one `.explorer-thread` per thread with
// its `.explorer-line`s (the next one `.explorer-next`) and its step button
// (`.explorer-step`), `.explorer-state`, the buttons Undo, Reset and "Show me
// a bad schedule", `.explorer-steps` (the steps taken) and `.explorer-end`
// (the ending; aria-live, class `explorer-bad` or `explorer-ok`).
(function () {
  "use strict";

  var DELAY = 600; // ms per step of "Show me a bad schedule"
  // How the summary counts each bad ending: [one, many].
  var BAD = {
    "lost-update": ["loses an update", "lose an update"],
    oversold: ["sells the ticket twice", "sell the ticket twice"],
    deadlock: ["deadlocks", "deadlock"],
    "never-woken": ["waits forever", "wait forever"]
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // "6 schedules: 4 lose an update." / "2 schedules: none ends badly."
  function summary(s) {
    var bad = [];
    for (var kind in s.endings) {
      var n = s.endings[kind];
      if (kind !== "ok") {
        bad.push(n + " " + (BAD[kind] || ["ends badly", "end badly"])[n === 1 ? 0 : 1]);
      }
    }
    return s.schedules + (s.schedules === 1 ? " schedule: " : " schedules: ") +
      (bad.length ? bad.join(", ") : "none ends badly") + ".";
  }

  // A thread's button: what its next step does, or why it cannot step.
  function label(t, name) {
    if (t.s === "ready") return "Step " + name + ": " + t.did.join(", ");
    if (t.s !== "blocked") return name + " is done";
    if (t.waits.indexOf("lock ") !== 0) return name + " waits to " + t.waits;
    return name + " waits for " + t.waits.slice(5) +
      (t.holder ? " (held by " + t.holder + ")" : "");
  }

  function explore(box, data) {
    var path = [0]; // the nodes visited, from the start
    var moves = []; // the thread that made each move
    var timer = null;
    var threads = data.threads;

    var fallback = el("div", "explorer-fallback");
    while (box.firstChild) fallback.appendChild(box.firstChild);
    var ui = el("div", "explorer-ui");
    ui.setAttribute("role", "group");
    ui.setAttribute("aria-label", "Explorer: " + data.title);
    box.appendChild(fallback);
    box.appendChild(ui);
    box.classList.add("explorer-on");

    var head = el("p", "explorer-summary");
    head.appendChild(el("strong", "", data.title + ". "));
    head.appendChild(document.createTextNode(summary(data.summary) +
      " Choose which thread takes the next step."));
    if (data.reported) {
      head.appendChild(document.createTextNode(" \u201cShow me a bad schedule\u201d replays " +
        "the failing schedule shuttle's search reported, "));
      head.appendChild(el("code", "", data.reported));
      head.appendChild(document.createTextNode("."));
    }
    ui.appendChild(head);

    var cols = el("div", "explorer-threads");
    var lines = []; // per thread: line number -> its element
    var steps = []; // per thread: its button
    threads.forEach(function (th, i) {
      var col = el("div", "explorer-thread");
      col.appendChild(el("p", "explorer-name", th.name));
      var pre = el("pre", "explorer-code");
      var map = {};
      var prev = null;
      th.code.forEach(function (c) {
        var line = el("span", "explorer-line" +
          (prev !== null && c[0] !== prev + 1 ? " explorer-gap" : ""));
        line.appendChild(el("span", "explorer-num", String(c[0])));
        line.appendChild(document.createTextNode(c[1]));
        map[c[0]] = line;
        pre.appendChild(line);
        prev = c[0];
      });
      lines.push(map);
      col.appendChild(pre);
      steps.push(col.appendChild(button("", "explorer-step", function () {
        stop();
        var t = here().threads[i];
        if (t.s === "ready") {
          path.push(t.to);
          moves.push(i);
          render();
        }
      })));
      cols.appendChild(col);
    });
    ui.appendChild(cols);

    var state = ui.appendChild(el("p", "explorer-state"));
    var locks = {};
    data.nodes.forEach(function (n) {
      for (var l in n.holders) locks[l] = 1;
      n.threads.forEach(function (t) {
        if (t.s === "blocked" && t.waits.indexOf("lock ") === 0) locks[t.waits.slice(5)] = 1;
      });
    });
    locks = Object.keys(locks).sort();

    var bar = ui.appendChild(el("div", "explorer-buttons"));
    var undo = bar.appendChild(button("Undo", "explorer-undo", function () {
      stop();
      if (path.length > 1) {
        path.pop();
        moves.pop();
      }
      render();
    }));
    var reset = bar.appendChild(button("Reset", "explorer-reset", function () {
      stop();
      restart();
    }));
    if (data.bad) {
      bar.appendChild(button("Show me a bad schedule", "explorer-play", function () {
        stop();
        restart();
        var k = 0;
        timer = setInterval(function () {
          var i = data.bad[k++];
          path.push(here().threads[i].to);
          moves.push(i);
          if (k >= data.bad.length) stop();
          render();
        }, DELAY);
        render();
      }));
    }

    var taken = ui.appendChild(el("ol", "explorer-steps"));
    taken.setAttribute("aria-label", "Steps taken");
    var end = ui.appendChild(el("p", "explorer-end"));
    end.setAttribute("aria-live", "polite");

    function here() {
      return data.nodes[path[path.length - 1]];
    }

    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    }

    function restart() {
      path = [0];
      moves = [];
      render();
    }

    function render() {
      var node = here();
      var focused = document.activeElement;
      node.threads.forEach(function (t, i) {
        var b = steps[i];
        b.textContent = label(t, threads[i].name);
        b.disabled = t.s !== "ready";
        for (var n in lines[i]) lines[i][n].classList.remove("explorer-next", "explorer-waiting");
        var line = t.line && lines[i][t.line];
        if (line) line.classList.add(t.s === "ready" ? "explorer-next" : "explorer-waiting");
      });
      var parts = [];
      for (var v in node.values) parts.push(v + " = " + node.values[v]);
      locks.forEach(function (l) {
        var h = node.holders[l];
        parts.push("lock " + l + ": " + (h ? "held by " + h[0] + (h[1] > 1 ? " (" + h[1] + " times)" : "") : "free"));
      });
      state.textContent = "Shared: " + parts.join(" \u00b7 ");
      undo.disabled = path.length === 1;
      reset.disabled = path.length === 1 && timer === null;
      taken.textContent = "";
      moves.forEach(function (i, k) {
        // As the fallback says it: thread 1 runs `code` (what it did).
        var t = data.nodes[path[k]].threads[i];
        var li = taken.appendChild(el("li", "", threads[i].name + " runs "));
        li.appendChild(el("code", "", lines[i][t.line] ? lines[i][t.line].lastChild.textContent.trim() : "line " + t.line));
        li.appendChild(document.createTextNode(" (" + t.did.join(", ") + ")"));
      });
      end.textContent = node.end ? "The end: " + node.end.text : "";
      end.className = "explorer-end" + (node.end ? (node.end.kind === "ok" ? " explorer-ok" : " explorer-bad") : "");
      // A key press must not lose its place: a button that cannot be
      // pressed any more hands the focus to one that can.
      if (focused && focused.disabled && ui.contains(focused)) {
        var next = steps.filter(function (b) { return !b.disabled; })[0] || (undo.disabled ? reset : undo);
        (next.disabled ? bar.lastChild : next).focus();
      }
    }

    render();
  }

  var all = window.lockbookScenarios || {};
  var boxes = document.querySelectorAll(".explorer[data-scenario]");
  for (var i = 0; i < boxes.length; i++) {
    var data = all[boxes[i].getAttribute("data-scenario")];
    // Without its data (a script that failed to load) the fallback stays.
    if (data && !boxes[i].classList.contains("explorer-on")) explore(boxes[i], data);
  }
})();
