// Reader and instructor additions to mdBook's page, loaded after mdBook's own
// book.js (book.toml: additional-js). Small plain functions, no libraries.
// Named lockbook.js, not book.js: a theme/book.js would replace mdBook's own.
//
// DOM contract (tests/browser relies on it):
// - `pre.hang-demo`: a console block whose output says `hang detected:`;
// - `blockquote.python-note`: a `> [!NOTE]` alert starting with
//   "Coming from Python.";
// - `details.instructor-notes`: a <details> whose summary starts with
//   "Notes for instructors";
// - `#instructor-notes-toggle` in the menu bar opens/closes them all;
//   aria-pressed is the state, remembered in localStorage `lockbook-notes`;
// - `?notes=side` in the URL: class `notes-side` on <html> (set in
//   theme/head.hbs before the first paint), notes open in a side column;
// - `.explorer[data-scenario=NAME]`: a scenario explorer; only on such a
//   page are explorer/explorer.css, explorer/NAME.js (its data) and
//   explorer/explorer.js loaded (src/explorer/explorer.js says the rest).
// - `.quiz-lazy[data-quiz-script][data-quiz-style]`: the quiz bundle, added
//   near a `.quiz-placeholder`; print.html: `ol.quiz-print` (src/quiz-print.js).
// - over http(s), after load: the service worker `sw.js` at the book's root
//   (offline reading; src/sw.js says the rest).
(function () {
  "use strict";

  var NOTES_KEY = "lockbook-notes";
  var NOTES_SUMMARY = "Notes for instructors";
  var PYTHON_LEAD = "Coming from Python.";

  function markHangDemos() {
    var blocks = document.querySelectorAll("pre > code.language-console");
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].textContent.indexOf("hang detected:") !== -1) {
        blocks[i].parentElement.classList.add("hang-demo");
      }
    }
  }

  function markPythonNotes() {
    var notes = document.querySelectorAll("blockquote.blockquote-tag-note");
    for (var i = 0; i < notes.length; i++) {
      var lead = notes[i].querySelector(":scope > p:not(.blockquote-tag-title)");
      var strong = lead && lead.firstElementChild;
      if (strong && strong.tagName === "STRONG" &&
          strong.textContent.trim().indexOf(PYTHON_LEAD) === 0) {
        notes[i].classList.add("python-note");
      }
    }
  }

  function markInstructorNotes() {
    var found = [];
    var all = document.querySelectorAll("details");
    for (var i = 0; i < all.length; i++) {
      var summary = all[i].querySelector(":scope > summary");
      if (summary && summary.textContent.trim().indexOf(NOTES_SUMMARY) === 0) {
        all[i].classList.add("instructor-notes");
        found.push(all[i]);
      }
    }
    return found;
  }

  function storedNotesOpen() {
    try {
      return localStorage.getItem(NOTES_KEY) === "open";
    } catch (e) {
      return false;
    }
  }

  function storeNotesOpen(open) {
    try {
      localStorage.setItem(NOTES_KEY, open ? "open" : "closed");
    } catch (e) {
      // Private mode or storage disabled: the toggle still works per page.
    }
  }

  function setNotesOpen(notes, open) {
    for (var i = 0; i < notes.length; i++) {
      notes[i].open = open;
    }
  }

  // The button goes first among the right-hand menu buttons. It is a real
  // <button>, so Tab reaches it and Enter/Space press it.
  function addNotesToggle(notes, open) {
    var bar = document.querySelector("#mdbook-menu-bar .right-buttons");
    if (!bar || document.getElementById("instructor-notes-toggle")) {
      return null;
    }
    var button = document.createElement("button");
    button.id = "instructor-notes-toggle";
    button.type = "button";
    button.className = "icon-button";
    button.title = "Show or hide the notes for instructors";
    button.setAttribute("aria-label", "Notes for instructors");
    button.setAttribute("aria-pressed", open ? "true" : "false");
    // A chalkboard, inline so that nothing is fetched.
    button.innerHTML =
      '<span class="fa-svg"><svg viewBox="0 0 24 24" aria-hidden="true" ' +
      'focusable="false"><path d="' +
      "M3 4h18a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1h-5.6l2.5 3.5-1.6 1.1L13 17h-2" +
      "l-3.3 4.6-1.6-1.1L8.6 17H3a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zm1 2v9h16V6" +
      'zm2 2h7v2H6zm0 3h5v2H6z"/></svg></span>';
    button.addEventListener("click", function () {
      var nowOpen = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", nowOpen ? "true" : "false");
      setNotesOpen(notes, nowOpen);
      storeNotesOpen(nowOpen);
    });
    bar.insertBefore(button, bar.firstChild);
    bar.classList.add("has-notes-toggle");
    return button;
  }

  // Presenting with ?notes=side: keep the mode when moving to another
  // chapter (previous/next arrows, keyboard arrows, the table of contents,
  // links in the text).
  function keepNotesSide() {
    var links = document.querySelectorAll(
      "a.nav-chapters, a.mobile-nav-chapters, #mdbook-sidebar a[href], " +
      "main a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (!href || /^[a-z]+:|^#|^\/\//i.test(href) ||
          !/\.html(#|$)/.test(href)) {
        continue;
      }
      var hash = href.indexOf("#");
      var page = hash === -1 ? href : href.slice(0, hash);
      var rest = hash === -1 ? "" : href.slice(hash);
      links[i].setAttribute("href", page + "?notes=side" + rest);
    }
  }

  // Printed pages show the notes open (and boxed, book.css); print.html
  // prints itself on load, so open them there at once.
  function openNotesForPrint(notes) {
    var wasOpen = [];
    window.addEventListener("beforeprint", function () {
      wasOpen = notes.map(function (n) { return n.open; });
      setNotesOpen(notes, true);
    });
    window.addEventListener("afterprint", function () {
      for (var i = 0; i < notes.length && i < wasOpen.length; i++) {
        notes[i].open = wasOpen[i];
      }
    });
  }

  function isPrintPage() {
    return document.querySelector('meta[name="robots"][content="noindex"]')
      !== null && /print\.html$/.test(window.location.pathname);
  }

  // Accessibility fixes for mdBook's own markup (axe-core, serious):
  // the sidebar toggle is a <label> with aria-expanded, which only some
  // roles may carry; and a region that scrolls sideways (a wide code block
  // or table) must be reachable with the keyboard to be scrolled.
  function fixAccessibility() {
    var toggle = document.getElementById("mdbook-sidebar-toggle");
    if (toggle && !toggle.hasAttribute("role")) {
      toggle.setAttribute("role", "button");
      toggle.setAttribute("tabindex", "0");
    }
    var wide = document.querySelectorAll("pre > code, .table-wrapper");
    for (var i = 0; i < wide.length; i++) {
      if (wide[i].scrollWidth > wide[i].clientWidth) {
        wide[i].setAttribute("tabindex", "0");
      }
    }
  }

  // Scripts, not fetch, so that a book opened from file:// works too. Added
  // with async = false, they run in order: the data, then the explorer.
  function loadExplorers() {
    var boxes = document.querySelectorAll(".explorer[data-scenario]");
    if (!boxes.length || typeof path_to_root === "undefined") {
      return;
    }
    var dir = path_to_root + "explorer/";
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = dir + "explorer.css";
    document.head.appendChild(css);
    var files = [];
    for (var i = 0; i < boxes.length; i++) {
      var file = boxes[i].getAttribute("data-scenario") + ".js";
      if (/^[a-z0-9-]+\.js$/.test(file) && files.indexOf(file) === -1) {
        files.push(file);
      }
    }
    files.push("explorer.js");
    for (var j = 0; j < files.length; j++) {
      var script = document.createElement("script");
      script.src = dir + files[j];
      script.async = false;
      document.body.appendChild(script);
    }
  }

  // The quiz bundle (1.4 MB) loads once a quiz is a screen away: the build
  // made mdbook-quiz's tags a div.quiz-lazy (xtask/src/book.rs, lazy_quiz).
  var QUIZ_NEAR = "0px 0px 100% 0px";

  function loadQuizWhenNear() {
    var marker = document.querySelector(".quiz-lazy[data-quiz-script]");
    var quizzes = document.querySelectorAll(".quiz-placeholder");
    if (!marker || !quizzes.length) {
      return;
    }
    var started = false;
    var start = function () {
      if (!started) {
        started = true;
        addQuiz(marker.getAttribute("data-quiz-script"),
          marker.getAttribute("data-quiz-style"));
      }
    };
    if (!("IntersectionObserver" in window)) {
      start();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].isIntersecting) {
          observer.disconnect();
          start();
          return;
        }
      }
    }, { rootMargin: QUIZ_NEAR });
    for (var i = 0; i < quizzes.length; i++) {
      observer.observe(quizzes[i]);
    }
  }

  // The bundle draws on window's DOMContentLoaded, long past: its listener
  // is kept aside and called once it has run. A script: file:// works.
  function addQuiz(src, href) {
    if (href) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = href;
      document.head.appendChild(css);
    }
    var kept = [];
    var realAdd = window.addEventListener;
    window.addEventListener = function (type, listener) {
      if (type === "DOMContentLoaded" && typeof listener === "function") {
        kept.push(listener);
      } else {
        realAdd.apply(window, arguments);
      }
    };
    var restore = function () {
      window.addEventListener = realAdd;
    };
    var script = document.createElement("script");
    script.src = src;
    script.onerror = restore;
    script.onload = function () {
      restore();
      var event = new Event("DOMContentLoaded");
      for (var i = 0; i < kept.length; i++) {
        kept[i].call(window, event);
      }
    };
    document.body.appendChild(script);
  }

  // print.html links no quiz: src/quiz-print.js writes its questions out.
  function printQuizQuestions() {
    if (typeof path_to_root !== "undefined") {
      var script = document.createElement("script");
      script.src = path_to_root + "quiz-print.js";
      document.body.appendChild(script);
    }
  }

  // Offline reading: register the book's service worker (src/sw.js, at the
  // root, so its scope is the whole book), which caches every file of the
  // build. Over http(s) only (a file:// book needs no cache), and after the
  // load event and an idle moment, so that the precache never competes
  // with the page's own files (nor counts in its page weight).
  function registerOffline() {
    if (!("serviceWorker" in navigator) || typeof path_to_root === "undefined" ||
        !/^https?:$/.test(window.location.protocol)) {
      return;
    }
    var register = function () {
      // Once registered, the browser itself checks sw.js for a new build
      // on each page view (the cache is replaced from the next page on).
      navigator.serviceWorker.register(path_to_root + "sw.js").catch(function () {
        // No offline copy (a private window, a host without sw.js, or
        // offline): the book reads the same online.
      });
    };
    var idle = function () {
      if (window.requestIdleCallback) {
        window.requestIdleCallback(register, { timeout: 2000 });
      } else {
        window.setTimeout(register, 500);
      }
    };
    if (document.readyState === "complete") {
      idle();
    } else {
      window.addEventListener("load", idle);
    }
  }

  function init() {
    fixAccessibility();
    loadExplorers();
    if (isPrintPage()) {
      printQuizQuestions();
    } else {
      loadQuizWhenNear();
    }
    markHangDemos();
    markPythonNotes();
    var notes = markInstructorNotes();
    var side = document.documentElement.classList.contains("notes-side");
    var open = side || storedNotesOpen() || isPrintPage();
    if (open) {
      setNotesOpen(notes, true);
    }
    addNotesToggle(notes, open);
    openNotesForPrint(notes);
    if (side) {
      keepNotesSide();
    }
    registerOffline();
  }

  // mdBook loads this script at the end of <body>: the page is parsed, so
  // run now, before the first paint, and nothing moves afterwards.
  if (document.querySelector(".nav-wrapper")) {
    init();
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
