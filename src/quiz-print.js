// The print page's quizzes, written out: print.html links no quiz bundle
// (xtask/src/book.rs, lazy_quiz), and a placeholder alone prints nothing.
// theme/lockbook.js adds this script on print.html only. For each
// `.quiz-placeholder`, from its data (the quiz's TOML as JSON), an
// `ol.quiz-print` of its questions as plain text: for a Tracing question
// the program, for a multiple choice the prompt and the choices in
// alphabetical order (the answer is not given away).
(function () {
  "use strict";

  function printQuizQuestions() {
    var quizzes = document.querySelectorAll(".quiz-placeholder[data-quiz-questions]");
    for (var i = 0; i < quizzes.length; i++) {
      var questions;
      try {
        questions = JSON.parse(quizzes[i].getAttribute("data-quiz-questions")).questions;
      } catch (e) {
        continue;
      }
      if (!questions || !questions.length || quizzes[i].querySelector(".quiz-print")) {
        continue;
      }
      var list = document.createElement("ol");
      list.className = "quiz-print";
      for (var j = 0; j < questions.length; j++) {
        list.appendChild(printQuestion(questions[j]));
      }
      quizzes[i].appendChild(list);
    }
  }

  function printQuestion(q) {
    var item = document.createElement("li");
    var prompt = q.prompt || {};
    var add = function (tag, text) {
      var el = item.appendChild(document.createElement(tag));
      el.textContent = text;
      el.style.whiteSpace = "pre-wrap";
    };
    if (q.type === "Tracing" && prompt.program) {
      add("p", "Does this program compile? If it does, what does it print?");
      var pre = document.createElement("pre");
      pre.appendChild(document.createElement("code")).textContent =
        prompt.program.replace(/\n$/, "");
      item.appendChild(pre);
      return item;
    }
    add("p", String(prompt.prompt || "").trim());
    var answer = (q.answer || {}).answer;
    var choices = [].concat(answer === undefined ? [] : answer,
      prompt.distractors || []).map(String).sort();
    if (choices.length) {
      var ul = document.createElement("ul");
      for (var k = 0; k < choices.length; k++) {
        ul.appendChild(document.createElement("li")).textContent = choices[k];
      }
      item.appendChild(ul);
    }
    return item;
  }

  printQuizQuestions();
})();
