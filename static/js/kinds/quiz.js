/* live: the quiz question's browser module (rules in live/activities/quiz/,
   partials in its templates/ folder).

   Host screen: while a question runs, the answer tiles (letter, shape and colour:
   never colour alone) and only the number of answers (a live distribution would
   hint the answer); once revealed, the distribution with the correct options
   marked, and the top 5; then, on K, the podium. T adds 10 seconds, R reveals.
   Phone: one tap answers (or several, then Submit); at the reveal, right or
   wrong, points and rank, and how the group answered, as a table; the podium and
   the final rank. Moderation console: the counts for the facilitator only, the
   clock, and the same actions. The countdown itself is the pages' (timed kinds). */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el, LETTERS = C.LETTERS;
  var LEADERS = 5;

  function isMine(kit, activity) { return !!activity && activity.type === kit.name; }
  function asList(value) { return Array.isArray(value) ? value.slice() : (value === undefined || value === null ? [] : [value]); }

  /* Whether the podium can be shown: the activity on screen adds to the session's
     standings (its kind is "scored": a leaderboard exists), and a question of such
     a kind has had its answer shown. Never over a poll or a word cloud. */
  function podiumAvailable(view) {
    var K = window.LiveKinds;
    function scored(a) { return !!a && !!K.capability(a.type, "scored"); }
    if (view.phase !== "activity" || !scored(view.activity)) return false;
    if (view.activity.status === "revealed") return true;
    return view.activities.some(function (a) { return scored(a) && a.status === "revealed"; });
  }

  /* The host actions (projector and console): add 10 seconds, show the answer, the podium.
     `podium` holds onScreen() and hide(api) on the projector, and on the console
     shownText: what to say once the podium is on the projector. */
  function hostActions(kit, podium) {
    var T = kit.T;
    function asking(view) {
      return isMine(kit, view.activity) && view.phase === "activity" && view.activity.status !== "revealed" && !podium.onScreen();
    }
    return {
      add_time: {
        target: function (view) { return isMine(kit, view.activity) && view.activity.status === "open" ? view.activity : null; },
        shown: asking,
        run: function (target, api) {
          api.command("add_time", { activity_id: target.id, seconds: 10 }, 10000, function () { api.said(T.str("time_added")); });
        }
      },
      reveal: {
        target: function (view) {
          var a = view.activity;
          return isMine(kit, a) && (a.status === "open" || a.status === "closed") ? a : null;
        },
        shown: asking,
        run: function (target, api) { api.command("reveal", { activity_id: target.id }, 10000); }
      },
      podium: {
        target: function (view) { return podiumAvailable(view) || null; },
        shown: podiumAvailable,
        pressed: podium.onScreen,
        run: function (target, api) {
          // On the projector, K takes the podium off the screen again.
          if (podium.onScreen()) return podium.hide(api);
          api.command("podium", {}, 10000, function () { if (podium.shownText) api.said(podium.shownText); });
        }
      }
    };
  }

  /* The badge of an option (shape and letter) and its letter for screen readers. */
  function badged(parent, index) {
    parent.appendChild(C.optionBadge(index));
    parent.appendChild(el("span", "visually-hidden", LETTERS.charAt(index) + ": "));
    return parent;
  }

  /* ---- the projector ---------------------------------------------------------- */

  function host(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var rows = [];                                    // the distribution's bars
    var podium = { data: null, shown: false, seq: 0, drawn: -1 };

    /* Nothing of a question stays in the page once another activity is on
       (its test ids and counts would be found twice). */
    function clear() {
      ["[data-tiles]", "[data-qbars]", "[data-leaderboard]"].forEach(function (selector) { C.clear($(selector)); });
      rows = [];
    }

    function build(activity) {
      var tiles = $("[data-tiles]");
      var qbars = $("[data-qbars]");
      clear();
      var options = activity.options || [];
      tiles.setAttribute("data-count", String(options.length));
      tiles.setAttribute("data-long", options.some(function (o) { return String(o).length > 40; }) ? "true" : "false");
      qbars.setAttribute("data-count", String(options.length));
      options.forEach(function (option, index) {
        var tile = badged(el("li", "tile tile--c" + index), index);
        tile.setAttribute("data-testid", "tile-" + index);
        tile.appendChild(el("span", "tile__text", option));
        tiles.appendChild(tile);

        var row = el("li", "qbar tile--c" + index);
        row.setAttribute("data-testid", "qbar-" + index);
        var label = badged(el("span", "qbar__label"), index);
        label.appendChild(el("span", "qbar__text", option));
        var figures = el("span", "qbar__figures");
        var mark = el("span", "qbar__correct");
        mark.appendChild(el("span", "qbar__check", "✓"));
        mark.firstChild.setAttribute("aria-hidden", "true");
        mark.appendChild(document.createTextNode(" " + T.str("correct")));
        mark.hidden = true;
        var count = el("span", "qbar__count", "0");
        count.setAttribute("data-testid", "count-" + index);
        var unit = el("span", "visually-hidden", " " + T.plural("answers", 0));
        figures.appendChild(mark);
        figures.appendChild(count);
        figures.appendChild(unit);
        var track = el("span", "qbar__track");
        track.setAttribute("aria-hidden", "true");
        var fill = el("span", "qbar__fill");
        track.appendChild(fill);
        row.appendChild(label);
        row.appendChild(figures);
        row.appendChild(track);
        qbars.appendChild(row);
        rows.push({ row: row, mark: mark, count: count, unit: unit, fill: fill });
      });
    }

    function render(activity, result) {
      var revealed = activity.status === "revealed";
      var box = $("[data-quiz]");
      box.setAttribute("data-stage", revealed ? "results" : "question");
      $("[data-screen='activity']").setAttribute("data-stage", revealed ? "results" : "question");
      box.setAttribute("data-status", activity.status || "pending");
      $("[data-tiles]").hidden = revealed;
      $("[data-quiz-results]").hidden = !revealed;
      if (!revealed) return;
      // Only now: the distribution, from results sent after the reveal (they also
      // hold the standings with this question), else from the state.
      var fresh = result && result.status === "revealed" ? result : null;
      var counts = (fresh && fresh.counts) || activity.counts || [];
      var correct = activity.correct || (fresh && fresh.correct) || [];
      var max = Math.max.apply(null, [0].concat(counts));
      rows.forEach(function (bar, index) {
        var count = counts[index] || 0;
        var isRight = correct.indexOf(index) !== -1;
        bar.count.textContent = T.formatNumber(count);
        bar.unit.textContent = " " + T.plural("answers", count);
        bar.mark.hidden = !isRight;
        bar.row.classList.toggle("is-correct", isRight);
        bar.row.classList.toggle("is-wrong", !isRight);
        bar.fill.style.width = (max > 0 ? Math.max(count ? 1.5 : 0, count / max * 100) : 0).toFixed(2) + "%";
      });
      renderLeaderboard(activity, fresh);
    }

    function renderLeaderboard(activity, result) {
      var list = $("[data-leaderboard]");
      var all = (result && result.leaderboard) || [];
      var top = all.slice(0, LEADERS);
      C.clear(list);
      top.forEach(function (row, index) {
        var item = el("li", "leader" + (index === 0 ? " is-first" : ""));
        item.setAttribute("data-testid", "leader-" + index);
        item.appendChild(el("span", "leader__rank", T.formatNumber(row.rank || index + 1)));
        item.appendChild(el("span", "leader__name" + (row.name ? "" : " is-anonymous"), T.playerName(row, all)));
        item.appendChild(el("span", "leader__score", T.formatNumber(row.score || 0)));
        item.appendChild(el("span", "visually-hidden", " " + T.plural("points", row.score || 0)));
        list.appendChild(item);
      });
      $("[data-leaderboard-empty]").hidden = !(result && all.length === 0);
      if (list.getAttribute("data-rows") !== String(top.length)) {
        list.setAttribute("data-rows", String(top.length));
        kit.fit();
      }
      var said = kit.said(activity.id);
      if (top.length && !said.leader) {
        said.leader = true;
        kit.announce.later(T.counted("announce_leader", top[0].score || 0, { name: T.playerName(top[0], all) }));
      }
    }

    function announce(activity) {
      var said = kit.said(activity.id);
      if (activity.status === "open") {
        said.ten = said.zero = false;
        kit.announce.later(T.str("announce_quiz_open", {
          n: T.formatNumber(Math.ceil((activity.remaining_ms || 0) / 1000)), prompt: activity.prompt
        }));
      } else if (activity.status === "closed") {
        if (!said.zero) { said.zero = true; kit.announce.later(T.str("announce_time_up")); }
      } else if (activity.status === "revealed") {
        kit.announce.later(T.str("announce_revealed", { answer: C.describeChoice(activity.options, activity.correct || []) }));
      }
      return true;
    }

    /* Shrink the tiles (or the results) until they fit above the controls. */
    function fit() {
      var section = $("[data-screen='activity']");
      var quiz = $("[data-quiz]");
      var figures = $(".activity__figures");
      var results = $("[data-quiz-results]");
      var scale = 1;
      function set(value) {
        quiz.style.setProperty("--fit", value);
        figures.style.setProperty("--fit", value);
      }
      function overflows() {
        if (!results.hidden) return results.scrollHeight > results.clientHeight + 1;
        // The stage (countdown, answers) must keep its own room, and the tiles theirs.
        return figures.scrollHeight > figures.clientHeight + 1 || section.scrollHeight > section.clientHeight + 1;
      }
      set("1");
      while (overflows() && scale > 0.45) {
        scale -= 0.05;
        set(scale.toFixed(2));
      }
    }

    /* The podium (K), once a question has been revealed: the top three on their steps. */
    function renderPodium() {
      if (podium.drawn === podium.seq) return;
      podium.drawn = podium.seq;
      var data = podium.data || {};
      var top = (data.podium || []).slice(0, 3);
      var list = $("[data-podium-steps]");
      C.clear(list);
      top.forEach(function (row, index) {
        var place = index + 1;
        var item = el("li", "podium__place podium__place--" + place);
        item.setAttribute("data-testid", "podium-" + place);
        var who = el("div", "podium__who");
        who.appendChild(el("p", "podium__name" + (row.name ? "" : " is-anonymous"), T.playerName(row, data.podium)));
        var score = el("p", "podium__score");
        score.appendChild(el("strong", null, T.formatNumber(row.score || 0)));
        score.appendChild(document.createTextNode(" " + T.plural("points", row.score || 0)));
        who.appendChild(score);
        var step = el("div", "podium__step");
        step.appendChild(el("span", "podium__ordinal", T.str("place_" + place)));
        item.appendChild(who);
        item.appendChild(step);
        list.appendChild(item);
      });
      // Fewer than three players: the empty steps keep the podium's shape (1st in the middle).
      for (var place = top.length + 1; top.length && place <= 3; place++) {
        var empty = el("li", "podium__place podium__place--" + place + " is-empty");
        empty.setAttribute("aria-hidden", "true");
        var blank = el("div", "podium__who");
        blank.appendChild(el("p", "podium__name", "\u00a0"));
        empty.appendChild(blank);
        var emptyStep = el("div", "podium__step");
        emptyStep.appendChild(el("span", "podium__ordinal", T.str("place_" + place)));
        empty.appendChild(emptyStep);
        list.appendChild(empty);
      }
      $("[data-podium-empty]").hidden = top.length > 0;
      $("[data-podium-count]").textContent = T.counted("players", data.n_players || 0);
    }

    function onScreen() { return podium.shown && !!podium.data; }

    return {
      build: build, clear: clear, render: render, fit: fit,
      describe: function (activity) {
        return T.counted("quiz_kind", activity.n_correct || 1) + " · " + T.counted("quiz_points", activity.points || 0);
      },
      // The shared countdown, until the answer is shown.
      countdown: function (activity) { return activity.status !== "revealed"; },
      announce: announce,
      screen: function () {
        if (!onScreen()) return null;
        renderPodium();
        return "podium";
      },
      // The podium gives way to whatever the facilitator does next.
      stateChanged: function (before, now, initial) {
        if (!initial && podium.shown && (!now || !before || before.id !== now.id || before.status !== now.status)) podium.shown = false;
      },
      actions: hostActions(kit, {
        onScreen: onScreen,
        hide: function (api) { podium.shown = false; api.render(); }
      }),
      keys: { t: "add_time", r: "reveal", k: "podium" },
      on: {
        podium: function (payload) {
          if (!payload) return;
          podium.data = payload;
          podium.shown = true;
          podium.seq++;
          kit.render();
          var names = (payload.podium || []).map(function (row, i) { return T.str("place_" + (i + 1)) + " " + T.playerName(row, payload.podium); });
          if (names.length) kit.announce(T.str("announce_podium", { names: names.join(", ") }));
        }
      }
    };
  }

  /* ---- the phone -------------------------------------------------------------- */

  function phone(kit) {
    var T = kit.T, $ = kit.$;
    var box = $("[data-quiz-options]");
    var errorNode = $("[data-quiz-error]");
    var submit = $("[data-quiz-submit]");
    var builtFor = null;      // the question the tiles were built for
    var results = {};         // question id -> its "quiz_result"
    var picks = {};           // question id -> options ticked before Submit (several correct)
    var late = {};            // question id -> true once the server said time was up
    var refused = {};         // question id -> true when the server said "already answered"
    var finalData = null;     // "podium" / "final_rank": {podium, n_players, rank?, score?}
    var finalKey = null;      // the state the podium arrived in: shown until the state changes
    var announced = {};       // question id -> {result}

    function answered(id) { return kit.given(id).length > 0; }
    function mine(id) { return kit.given(id)[0]; }
    function stateKey() {
      var current = kit.current();
      return kit.phase() + "|" + (current ? current.id + "|" + current.status : "");
    }

    function buildTiles(activity) {
      C.clear(box);
      var options = activity.options || [];
      // Two columns only for short options whose words fit half a phone's width.
      var short = options.every(function (o) {
        var text = String(o);
        return text.length <= 12 && text.split(/\s+/).every(function (word) { return word.length <= 9; });
      });
      box.setAttribute("data-layout", short && options.length <= 4 ? "grid" : "list");
      options.forEach(function (option, index) {
        var button = badged(el("button", "qtile tile--c" + index), index);
        button.type = "button";
        button.setAttribute("data-index", String(index));
        if (activity.multiple) button.setAttribute("aria-pressed", "false");
        button.appendChild(el("span", "qtile__text", option));
        var mark = el("span", "qtile__mark", "✓");
        mark.setAttribute("aria-hidden", "true");
        button.appendChild(mark);
        button.addEventListener("click", function () { onTile(index); });
        box.appendChild(button);
        C.setTid(button, "option-" + index);
      });
      builtFor = activity.id;
      hideError();
    }

    function tiles() { return Array.prototype.slice.call(box.querySelectorAll(".qtile")); }
    var errorLine = C.errorLine(errorNode);
    var showError = errorLine.show, hideError = errorLine.hide;

    /* Where the question stands for this phone. */
    function situation(activity) {
      var voted = answered(activity.id);
      var sending = kit.queued(activity.id).length > 0;
      var open = activity.status === "open";
      var tooLate = !voted && !sending &&
        (activity.status === "closed" || late[activity.id] || (open && kit.clock.remaining(activity) <= 0));
      return {
        voted: voted, sending: sending, open: open, late: tooLate, pending: activity.status === "pending",
        locked: voted || sending || tooLate || !open || !!refused[activity.id]
      };
    }

    function renderQuestion(activity) {
      if (builtFor !== activity.id) buildTiles(activity);
      $("[data-quiz-number]").textContent = kit.number(activity);
      $("[data-quiz-prompt]").textContent = activity.prompt || "";
      var s = situation(activity);
      var waiting = kit.queued(activity.id)[0];
      var chosen = s.voted ? asList(mine(activity.id)) : s.sending ? asList(waiting.value) : (picks[activity.id] || []);
      tiles().forEach(function (tile) {
        var i = parseInt(tile.getAttribute("data-index"), 10);
        var isChosen = chosen.indexOf(i) !== -1;
        tile.disabled = s.locked;
        tile.classList.toggle("is-chosen", isChosen);
        tile.classList.toggle("is-faded", (s.voted || s.sending || s.late) && !isChosen);
        if (activity.multiple) tile.setAttribute("aria-pressed", isChosen ? "true" : "false");
      });
      box.classList.toggle("is-locked", s.locked);
      var hint = "";
      if (s.pending) hint = T.str("quiz_not_open");
      else if (!s.locked) hint = activity.multiple ? T.counted("quiz_choose", activity.n_correct || 1) : T.str("quiz_tap_one");
      $("[data-quiz-hint]").textContent = hint;
      submit.hidden = !activity.multiple || s.locked;
      $("[data-quiz-sending]").hidden = !s.sending || s.voted;
      $("[data-quiz-locked]").hidden = !s.voted;
      if (s.voted) $("[data-quiz-mine]").textContent = T.str("quiz_your_answer", { answer: C.describeChoice(activity.options, mine(activity.id)) });
      $("[data-quiz-timeup]").hidden = !s.late || !!refused[activity.id];
      $("[data-quiz-timeup-detail]").textContent = T.str("quiz_no_answer");
    }

    function onTile(index) {
      var activity = kit.current();
      if (!isMine(kit, activity) || situation(activity).locked) return;
      hideError();
      // Kahoot-style: with one correct option, the first tap is the answer.
      if (!activity.multiple) return kit.send(activity, index);
      var list = (picks[activity.id] || []).slice();
      var at = list.indexOf(index);
      if (at === -1) list.push(index); else list.splice(at, 1);
      picks[activity.id] = list;
      kit.render();
    }

    submit.addEventListener("click", function () {
      var activity = kit.current();
      if (!isMine(kit, activity) || situation(activity).locked) return;
      var list = (picks[activity.id] || []).slice().sort(function (a, b) { return a - b; });
      if (!list.length) return showError(T.str("quiz_choose_first"));
      kit.send(activity, list);
    });

    /* ---- the reveal: right or wrong, points, rank, and how the group answered ---- */

    function sameChoice(a, b) {
      var x = asList(a).sort(), y = asList(b).sort();
      return x.length === y.length && x.every(function (v, i) { return v === y[i]; });
    }

    function onQuizResult(result) {
      if (!result || !result.activity_id) return;
      results[result.activity_id] = result;
      var current = kit.current();
      if (!current || current.id !== result.activity_id) return;
      kit.render();
      var said = announced[result.activity_id] || (announced[result.activity_id] = {});
      if (said.result) return;
      said.result = true;
      var sentence = [$("[data-qresult-title]").textContent, $("[data-qresult-points]").textContent];
      if (!$("[data-qresult-streak]").hidden) sentence.push($("[data-qresult-streak]").textContent);
      if (!$("[data-qresult-rank]").hidden) sentence.push($("[data-qresult-rank]").textContent);
      kit.announce(sentence.filter(Boolean).join(" "));
      var resultBox = $("[data-quiz-result]");
      if (!resultBox.closest("[hidden]")) resultBox.focus();
    }

    /* "{n} points" with the number big and the word small, in the translator's order. */
    function figureText(node, template, number) {
      C.clear(node);
      template.split(/(\{n\})/).forEach(function (part) {
        if (part === "{n}") node.appendChild(el("span", "figure__number", number));
        else if (part.trim()) node.appendChild(el("span", "figure__unit", part.trim()));
      });
    }

    function renderResult(activity) {
      var result = results[activity.id] || null;
      var given = answered(activity.id) ? mine(activity.id) : null;
      var correct = activity.correct || [];
      var didAnswer = result ? !!result.answered : given !== null;
      var isRight = result ? !!result.correct : didAnswer && sameChoice(given, correct);
      var points = result ? result.points || 0 : null;
      // Without the server's result (the page was reloaded after the reveal), the
      // rule of docs/PROTOCOL.md: some points when right picks outnumber wrong ones.
      var partly = points !== null ? points > 0 : (function () {
        var list = asList(given);
        var right = list.filter(function (i) { return correct.indexOf(i) !== -1; }).length;
        return right - (list.length - right) > 0;
      })();
      var kind = isRight ? "correct" : !didAnswer ? "none" : partly ? "partly" : "wrong";

      var resultBox = $("[data-quiz-result]");
      resultBox.setAttribute("data-correct", isRight ? "true" : "false");
      resultBox.setAttribute("data-kind", kind);
      $("[data-qresult-icon]").textContent = { correct: "✓", partly: "◐", wrong: "✕", none: "⏱" }[kind];
      $("[data-qresult-title]").textContent = T.str("result_" + kind);
      var pointsNode = $("[data-qresult-points]");
      pointsNode.hidden = points === null;
      pointsNode.textContent = points === null ? "" : T.counted("result_points", points);
      var streak = $("[data-qresult-streak]");
      streak.hidden = !(result && result.streak >= 2);
      streak.textContent = result && result.streak >= 2 ? T.str("result_streak", { n: T.formatNumber(result.streak) }) : "";
      $("[data-qresult-figures]").hidden = !result;
      if (result) {
        figureText($("[data-qresult-score]"), T.plural("result_score", result.score || 0), T.formatNumber(result.score || 0));
      }
      var rank = $("[data-qresult-rank]");
      rank.hidden = !(result && result.rank);
      rank.textContent = result && result.rank
        ? T.str("result_rank_sentence", { rank: T.formatNumber(result.rank), n: T.formatNumber(result.n_players || 0) }) : "";
      var chips = $("[data-qresult-correct]");
      C.clear(chips);
      correct.forEach(function (index) {
        var chip = badged(el("li", "qchip tile--c" + index), index);
        chip.appendChild(el("span", "qchip__text", (activity.options || [])[index] || ""));
        chips.appendChild(chip);
      });
      $("[data-qresult-mine]").textContent = given !== null
        ? T.str("quiz_your_answer", { answer: C.describeChoice(activity.options, given) }) : T.str("quiz_no_answer");
      renderGroup(activity, asList(given));
    }

    /* How the group answered: each option with its number of answers, the correct
       ones said in words (the colours only repeat it). */
    function renderGroup(activity, chosen) {
      var shown = kit.results(activity.id);
      var counts = (shown && shown.counts) || activity.counts;
      $("[data-qresult-group]").hidden = !counts;
      if (!counts) return;
      var correct = activity.correct || (shown && shown.correct) || [];
      var n = (shown && shown.n_answers) || 0;
      var rows = (activity.options || []).map(function (option, index) {
        var label = badged(el("span", "results__option tile--c" + index), index);
        label.appendChild(el("span", "results__text", option));
        if (correct.indexOf(index) !== -1) label.appendChild(el("span", "results__correct", "✓ " + T.str("correct")));
        if (chosen.indexOf(index) !== -1) label.appendChild(el("span", "results__mine", T.str("your_choice")));
        return [label, T.formatNumber(counts[index] || 0)];
      });
      var holder = $("[data-qresult-table]");
      C.clear(holder);
      holder.appendChild(C.table("results-table", T.str("group_caption"), [T.str("column_option"), T.str("column_answers")], rows));
      Array.prototype.forEach.call(holder.querySelectorAll("tbody tr"), function (tr, index) {
        tr.classList.toggle("is-correct", correct.indexOf(index) !== -1);
      });
      $("[data-qresult-total]").textContent = n ? T.counted("n_answered", n) : "";
    }

    /* ---- the podium, and the final rank ---------------------------------------- */

    function onPodium(data, personal) {
      if (!data) return;
      var next = { podium: data.podium || (finalData && finalData.podium) || [], n_players: data.n_players || 0 };
      if (personal) {
        next.rank = data.rank;
        next.score = data.score;
      } else if (finalData && finalKey === stateKey()) {
        next.rank = finalData.rank;
        next.score = finalData.score;
      }
      finalData = next;
      finalKey = stateKey();
      kit.render();
      if (personal && data.rank) {
        kit.announce(T.counted("announce_final", data.score || 0, { rank: T.formatNumber(data.rank), players: T.formatNumber(data.n_players || 0) }));
      }
    }

    function renderFinal() {
      var data = finalData;
      $("[data-final-rank]").textContent = data.rank
        ? T.str("final_rank", { rank: T.formatNumber(data.rank), n: T.formatNumber(data.n_players) })
        : T.str("final_podium_only");
      var score = $("[data-final-score]");
      score.hidden = !data.rank;
      score.textContent = data.rank ? T.counted("result_score", data.score || 0) : "";
      var list = $("[data-final-podium]");
      C.clear(list);
      data.podium.slice(0, 3).forEach(function (row, index) {
        var item = el("li", "final__place final__place--" + (index + 1));
        item.appendChild(el("span", "final__ordinal", T.str("place_" + (index + 1))));
        item.appendChild(el("span", "final__name" + (row.name ? "" : " is-anonymous"), T.playerName(row, data.podium)));
        item.appendChild(el("span", "final__points", T.counted("result_score", row.score || 0)));
        list.appendChild(item);
      });
      $("[data-final-players]").textContent = T.counted("players", data.n_players);
    }

    return {
      screen: function (activity) { return activity.status === "revealed" ? "quiz-result" : "quiz"; },
      render: function (activity) {
        if (activity.status === "revealed") renderResult(activity);
        else renderQuestion(activity);
      },
      answered: function (sent, ack, here) {
        if (!here) return;  // an old answer sent again: nothing to show
        kit.announce(T.str("announce_locked"));
        var locked = $("[data-quiz-locked]");
        if (!locked.closest("[hidden]")) locked.focus();
      },
      refused: function (sent, error, here) {
        if (error.code === "already_answered") refused[sent.activity_id] = true;
        if (!here) return kit.render();
        if (error.code === "time_up" || error.code === "closed") {
          late[sent.activity_id] = true;
          if (error.code === "closed" && kit.current().status === "open") kit.current().status = "closed";
          kit.render();
          return kit.announce(T.str("announce_time_up"));
        }
        kit.render();
        var key = T.S["quiz_error_" + error.code] ? "quiz_error_" + error.code : T.S["error_" + error.code] ? "error_" + error.code : "error_generic";
        showError(T.str(key));
      },
      announce: function (activity) {
        if (activity.status === "open" && !answered(activity.id)) {
          kit.announce(T.str("announce_quiz", { n: Math.ceil((activity.remaining_ms || 0) / 1000), prompt: activity.prompt }));
        }
        return true;
      },
      // What a phone coming back missed: its result for a revealed question, its final rank.
      welcome: function (welcome) {
        if (welcome.quiz_result) onQuizResult(welcome.quiz_result);
        if (welcome.final_rank) onPodium(welcome.final_rank, true);
      },
      overlay: function () {
        if (!finalData || finalKey !== stateKey()) return null;
        renderFinal();
        return "final";
      },
      ended: function () {
        if (!finalData || !finalData.rank) return null;
        return T.counted("announce_final", finalData.score || 0, {
          rank: T.formatNumber(finalData.rank), players: T.formatNumber(finalData.n_players)
        });
      },
      on: {
        quiz_result: onQuizResult,
        podium: function (data) { onPodium(data, false); },
        final_rank: function (data) { onPodium(data, true); }
      }
    };
  }

  /* ---- the moderation console: counts for the facilitator, the clock --------------- */

  function moderate(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var clock = C.clock(tick, 500);

    function tick() {
      var activity = view.activity;
      var node = $("[data-quiz-clock]");
      if (!isMine(kit, activity) || activity.id !== clock.activityId) { node.textContent = ""; return; }
      if (activity.status === "open") {
        var seconds = Math.ceil(clock.remaining(activity) / 1000);
        node.textContent = seconds > 0 ? T.str("seconds_left", { n: T.formatNumber(seconds) }) : T.str("time_up");
        node.setAttribute("data-state", seconds > 5 ? "running" : "urgent");
        if (seconds <= 0) clock.stop();
      } else {
        node.textContent = activity.status === "pending" ? "" : activity.status === "revealed" ? T.str("status_revealed") : T.str("time_up");
        node.setAttribute("data-state", "stopped");
      }
    }

    return {
      panel: function () { return "quiz"; },
      render: function (activity, result) {
        var counts = result.counts || activity.counts || [];
        var correct = activity.correct || result.correct || [];
        var revealed = activity.status === "revealed";
        var list = $("[data-quiz-results]");
        C.clear(list);
        (activity.options || []).forEach(function (option, index) {
          var isRight = revealed && correct.indexOf(index) !== -1;
          var row = el("li", "mod-poll__row" + (isRight ? " is-correct" : ""));
          row.setAttribute("data-testid", "quiz-row-" + index);
          var label = el("span", "mod-poll__label");
          label.appendChild(el("span", "mod-poll__letter", LETTERS.charAt(index)));
          label.appendChild(el("span", null, option));
          if (isRight) label.appendChild(el("span", "mod-badge mod-badge--shown", "✓ " + T.str("correct")));
          row.appendChild(label);
          row.appendChild(el("strong", "mod-poll__count", T.formatNumber(counts[index] || 0)));
          list.appendChild(row);
        });
        var n = result.n_answers || 0;
        $("[data-quiz-answers]").textContent = T.formatNumber(n);
        $("[data-quiz-answers-label]").textContent = T.plural("answers", n);
        $("[data-quiz-secret]").hidden = revealed;
        tick();
      },
      // The clock runs while the question is open.
      state: function (activity) { clock.start(isMine(kit, activity) ? activity : null); },
      actions: hostActions(kit, { onScreen: function () { return false; }, shownText: T.str("podium_shown") })
    };
  }

  window.LiveKinds.register("quiz", { host: host, phone: phone, moderate: moderate });
})();
