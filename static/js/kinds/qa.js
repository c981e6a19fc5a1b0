/* live: the Q&A's browser module (rules in live/activities/qa/, partials in its
   templates/ folder, styles in static/css/kinds/qa.css).

   Host screen: the question being answered (pinned), large, then the open
   questions with their votes, most upvoted first, moving to their new place as
   votes come in (no movement with prefers-reduced-motion); answered ones below.
   Phone: the ask box with its counter (anonymous unless the participant shows
   their name), their own questions waiting for approval, and the wall with a
   large upvote toggle per question (tap again to take the vote back) and a
   report button that asks first. It also shows when the Q&A runs beside another
   activity (the bar at the bottom, participant.js/beside.js). Moderation console:
   waiting, held, reported (with counts, never who), on the wall, hidden, with
   approve, pin, answered, hide, show, undo, and the poll of the best questions
   (the chain). Questions are people's text: textContent only. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el;
  var ON_WALL = ["pinned", "visible", "answered"];
  var MAX_LENGTH = 300;

  function onWall(question) { return ON_WALL.indexOf(question.status) !== -1; }

  /* The length of a question as the server counts it (spaces collapsed). */
  function cleanedLength(text) { return C.textLength(text); }

  /* Rows kept per key and updated in place: a tap never lands on a row that was
     just rebuilt, focus stays on its button, and a row can move to its new place. */
  var keyed = C.keyedRows;

  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

  /* ---- the projector: the pinned question, then the wall, moving as votes come in ---- */

  function host(kit) {
    var T = kit.T, $ = kit.$;
    var list = $("[data-qa-list]");
    var pinnedId = null;
    var lastResult = null;
    var counts = {};  // question id -> votes last drawn (a count that grows is marked)

    function clear() {
      C.clear(list);
      pinnedId = lastResult = null;
      counts = {};
      $("[data-qa-pinned]").hidden = true;
    }

    function buildRow() {
      var row = el("li", "qa-row");
      row.setAttribute("data-testid", "qa-row");
      var votes = row.appendChild(el("span", "qa-row__votes"));
      votes.appendChild(el("span", "qa-row__arrow", "▲")).setAttribute("aria-hidden", "true");
      votes.appendChild(el("span", "qa-row__count")).setAttribute("aria-hidden", "true");
      votes.appendChild(el("span", "visually-hidden"));
      var body = row.appendChild(el("span", "qa-row__body"));
      body.appendChild(el("span", "qa-row__text"));
      body.appendChild(el("span", "qa-row__meta"));
      return row;
    }

    function fillRow(row, question) {
      var answered = question.status === "answered";
      row.classList.toggle("is-answered", answered);
      var count = row.querySelector(".qa-row__count");
      var grew = counts[question.id] !== undefined && question.votes > counts[question.id];
      counts[question.id] = question.votes;
      setText(count, T.formatNumber(question.votes));
      setText(row.querySelector(".qa-row__votes .visually-hidden"), T.counted("votes", question.votes) + ": ");
      setText(row.querySelector(".qa-row__text"), question.text);
      var meta = [question.name || "", answered ? "✓ " + T.str("answered") : ""].filter(Boolean).join(" · ");
      var metaNode = row.querySelector(".qa-row__meta");
      setText(metaNode, meta);
      metaNode.hidden = !meta;
      if (grew && !C.reducedMotion) {
        row.classList.remove("is-bumped");
        void row.offsetWidth;  // restart the animation
        row.classList.add("is-bumped");
      }
    }

    /* Where each row stands now, to slide it from there to its new place (FLIP). */
    function positions() {
      var tops = {};
      Array.prototype.forEach.call(list.children, function (row) {
        if (!row.hidden) tops[row.getAttribute("data-key")] = row.getBoundingClientRect().top;
      });
      return tops;
    }

    function slide(before) {
      if (C.reducedMotion) return;
      Array.prototype.forEach.call(list.children, function (row) {
        var old = before[row.getAttribute("data-key")];
        if (row.hidden) return;
        if (old === undefined) {
          row.classList.add("is-new");
          return;
        }
        var delta = old - row.getBoundingClientRect().top;
        if (Math.abs(delta) < 1) return;
        row.style.transition = "none";
        row.style.transform = "translateY(" + delta.toFixed(1) + "px)";
        void row.offsetHeight;
        row.style.transition = "";
        row.style.transform = "";
      });
    }

    function renderPinned(pinned) {
      var box = $("[data-qa-pinned]");
      box.hidden = !pinned;
      if (!pinned) return;
      setText($("[data-qa-pinned-text]"), pinned.text);
      setText($("[data-qa-pinned-votes]"), "▲ " + T.counted("votes", pinned.votes));
      setText($("[data-qa-pinned-name]"), pinned.name ? " · " + pinned.name : "");
      var text = $("[data-qa-pinned-text]");
      text.classList.toggle("is-long", pinned.text.length > 120);
    }

    function render(activity, result) {
      var questions = ((result && result.questions) || []).filter(onWall);
      var pinned = questions.filter(function (q) { return q.status === "pinned"; })[0] || null;
      var rest = questions.filter(function (q) { return q !== pinned; });
      lastResult = result;
      renderPinned(pinned);
      $("[data-qa-empty]").hidden = questions.length > 0;  // before measuring what fits
      var before = positions();
      keyed(list, rest, buildRow, fillRow);
      fitRows(result);
      slide(before);
      if (pinned && pinned.id !== pinnedId) kit.announce(T.str("announce_pinned", { text: pinned.text }));
      pinnedId = pinned ? pinned.id : null;
    }

    /* The rows that fit under the pinned question; the others wait on the phones
       ("and 4 more questions on the phones"). */
    function fitRows(result) {
      var rows = Array.prototype.slice.call(list.children);
      rows.forEach(function (row) { row.hidden = false; });
      // Layout positions (the list is the rows' offsetParent), not the sliding ones.
      var room = list.clientHeight;
      var hidden = 0;
      rows.forEach(function (row) {
        if (hidden || row.offsetTop + row.offsetHeight > room + 1) {
          row.hidden = true;
          hidden += 1;
        }
      });
      var onWallCount = ((result && result.questions) || []).filter(onWall).length;
      var more = hidden + Math.max(0, ((result && result.n_questions) || 0) - ((result && result.questions) || []).length);
      var moreNode = $("[data-qa-more]");
      moreNode.hidden = !more || !onWallCount;
      if (more) setText(moreNode, T.counted("more", more));
    }

    // The room for rows changes with more than the window (the facilitator's bar
    // wraps, the pinned question grows): count what fits again whenever it does.
    if (window.ResizeObserver) new window.ResizeObserver(function () { if (lastResult) fitRows(lastResult); }).observe(list);

    return {
      build: clear, clear: clear, render: render,
      fit: function () { if (lastResult) fitRows(lastResult); },  // after a resize: count what fits again
      describe: function (activity) { return T.str(activity.moderation === "pre" ? "describe_pre" : "describe_post"); }
    };
  }

  /* ---- the phone: ask, upvote, report; beside another activity too ----------------- */

  function phone(kit) {
    var T = kit.T, $ = kit.$;
    var walls = {};     // activity id -> the last "wall"
    var mine = {};      // activity id -> {votes: {id: true}, reports: {id: true}, questions: [{id, text, status}]}
    var settling = {};  // question id -> votes acknowledged but not yet in a wall
    var sayWall = C.throttled(kit.announce.later, 15000);
    var myName = null;
    var drawnId = null; // the activity the screen shows
    var reporting = null;
    var form = $("[data-qa-form]");
    var textBox = $("[data-qa-text]");
    var asName = $("[data-qa-as-name]");
    var board = $("[data-qa-questions]");
    var reportDialog = $("[data-qa-report-dialog]");
    var boardTitle = $("[data-qa-board-title]").textContent;  // "Questions", while there are none

    function mineOf(id) { return mine[id] || (mine[id] = { votes: {}, reports: {}, questions: [] }); }
    /* Whether `now` (a wall) shows a question of someone else that `before` did not. */
    function arrived(before, now) {
      var known = {};
      (before.questions || []).concat(mineOf(now.activity_id).questions).forEach(function (q) { known[q.id] = true; });
      return (now.questions || []).some(function (q) { return !known[q.id]; });
    }

    /* The activity drawn, as the latest state has it (on screen, or beside). */
    function drawn() {
      var now = kit.current(), side = kit.side();
      if (now && now.id === drawnId) return now;
      if (side && side.id === drawnId) return side;
      return null;
    }

    /* Once closed, the questions the facilitator shows; while open, the live wall. */
    function wallOf(activity) {
      var shown = kit.results(activity.id);
      if (activity.status !== "open" && shown) return shown;
      return walls[activity.id] || shown || { questions: [], n_questions: 0 };
    }

    function queuedOf(activity, event) {
      return kit.queued(activity.id).filter(function (item) { return item.event === event; });
    }

    /* Whether this phone upvotes `id`: the last tap still on its way, else the server's word. */
    function voted(activity, id) {
      var taps = queuedOf(activity, "upvote").filter(function (item) { return item.value.question_id === id; });
      return taps.length ? !!taps[taps.length - 1].value.up : !!mineOf(activity.id).votes[id];
    }

    function shownVotes(activity, question) {
      var known = !!mineOf(activity.id).votes[question.id];
      var delta = (voted(activity, question.id) ? 1 : 0) - (known ? 1 : 0) + (settling[question.id] || 0);
      return Math.max(0, question.votes + delta);
    }

    function errorText(code) {
      return T.S["qa_error_" + code] ? T.str("qa_error_" + code) : T.str("qa_error_generic");
    }

    function showError(node, text) {
      node.textContent = text || "";
      node.hidden = !text;
    }

    /* ---- drawing -------------------------------------------------------------- */

    function render(activity) {
      if (drawnId !== activity.id) showError($("[data-qa-board-error]"), "");
      drawnId = activity.id;
      $("[data-qa-number]").textContent = kit.number(activity);
      $("[data-qa-prompt]").textContent = activity.prompt || "";
      var open = activity.status === "open";
      form.hidden = !open;
      $("[data-qa-closed]").hidden = open;
      renderAsk(activity);
      renderMine(activity);
      renderBoard(activity, open);
    }

    function renderAsk(activity) {
      var max = activity.max_length || MAX_LENGTH;
      var length = cleanedLength(textBox.value);
      var count = $("[data-qa-count]");
      // Nothing is cut: a longer question stays as typed, and the count says by how much.
      count.textContent = T.str(length > max ? "count_over" : "count",
        { n: T.formatNumber(length), max: T.formatNumber(max), over: T.formatNumber(length - max) });
      count.classList.toggle("is-over", length > max);
      $("[data-qa-as-name-box]").hidden = !myName;
      if (myName) $("[data-qa-as-name-label]").textContent = T.str("as_name", { name: myName });
      $("[data-qa-who]").textContent = T.str(myName && asName.checked ? "named" : "anonymous");
      $("[data-qa-sending]").hidden = !queuedOf(activity, "ask").length;
    }

    /* The participant's own questions that are not on the wall: on their way,
       waiting for approval, or not shown. */
    function renderMine(activity) {
      var own = mineOf(activity.id).questions.filter(function (q) { return !onWall(q); });
      var sending = queuedOf(activity, "ask").map(function (item) {
        return { id: item.answer_id, text: item.value.text, status: "sending" };
      });
      var items = sending.concat(own);
      var list = $("[data-qa-mine-list]");
      $("[data-qa-mine]").hidden = !items.length;
      keyed(list, items, function () {
        var row = el("li", "qa-mine__item");
        row.appendChild(el("span", "qa-mine__text"));
        row.appendChild(el("span", "qa-mine__status"));
        return row;
      }, function (row, question) {
        setText(row.firstChild, question.text);
        setText(row.lastChild, T.str("status_" + question.status));
        row.setAttribute("data-status", question.status);
      });
    }

    function buildQuestion() {
      var row = el("li", "qa-q");
      row.setAttribute("data-testid", "qa-question");
      var main = row.appendChild(el("div", "qa-q__main"));
      main.appendChild(el("p", "qa-q__badge"));
      main.appendChild(el("p", "qa-q__text"));
      main.appendChild(el("p", "qa-q__who"));
      var actions = row.appendChild(el("div", "qa-q__actions"));
      var vote = actions.appendChild(el("button", "qa-vote"));
      vote.type = "button";
      vote.setAttribute("data-qa-vote", "");
      vote.setAttribute("data-testid", "qa-vote");
      vote.appendChild(el("span", "qa-vote__arrow", "▲")).setAttribute("aria-hidden", "true");
      vote.appendChild(el("span", "qa-vote__count")).setAttribute("aria-hidden", "true");
      vote.appendChild(el("span", "visually-hidden"));
      var flag = actions.appendChild(el("button", "qa-flag"));
      flag.type = "button";
      flag.setAttribute("data-qa-flag", "");
      flag.setAttribute("data-testid", "qa-report");
      flag.appendChild(el("span", "qa-flag__icon", "⚑")).setAttribute("aria-hidden", "true");
      flag.appendChild(el("span", "qa-flag__label"));
      return row;
    }

    function renderBoard(activity, open) {
      var wall = wallOf(activity);
      var questions = (wall.questions || []).filter(onWall);
      var own = {};
      mineOf(activity.id).questions.forEach(function (q) { own[q.id] = true; });
      var reports = mineOf(activity.id).reports;
      var total = wall.n_questions || questions.length;
      $("[data-qa-board-title]").textContent = total ? T.counted("board_title", total) : boardTitle;
      $("[data-qa-none]").hidden = questions.length > 0;
      $("[data-qa-board-hint]").hidden = !questions.length || !open;
      keyed(board, questions, buildQuestion, function (row, question) {
        var isVoted = voted(activity, question.id);
        var votes = shownVotes(activity, question);
        row.className = "qa-q qa-q--" + question.status + (own[question.id] ? " is-mine" : "");
        var badge = row.querySelector(".qa-q__badge");
        var badgeText = question.status === "pinned" ? T.str("pinned") : question.status === "answered" ? "✓ " + T.str("answered") : "";
        setText(badge, badgeText);
        badge.hidden = !badgeText;
        setText(row.querySelector(".qa-q__text"), question.text);
        var who = [question.name || T.str("anonymous_asker")];
        if (own[question.id]) who.push(T.str("yours"));
        setText(row.querySelector(".qa-q__who"), who.join(" · "));
        var vote = row.querySelector("[data-qa-vote]");
        vote.setAttribute("data-id", question.id);
        vote.setAttribute("aria-pressed", isVoted ? "true" : "false");
        vote.setAttribute("aria-disabled", open ? "false" : "true");
        setText(vote.querySelector(".qa-vote__count"), T.formatNumber(votes));
        setText(vote.querySelector(".visually-hidden"), T.counted("votes", votes) + ". " + T.str("upvote", { text: question.text }));
        var flag = row.querySelector("[data-qa-flag]");
        var reported = !!reports[question.id] || queuedOf(activity, "report").some(function (item) { return item.value.question_id === question.id; });
        flag.setAttribute("data-id", question.id);
        flag.hidden = !open && !reported;  // once closed there is nothing left to report
        flag.setAttribute("aria-disabled", open && !reported ? "false" : "true");
        flag.classList.toggle("is-reported", reported);
        setText(flag.querySelector(".qa-flag__label"), reported ? T.str("reported") : T.str("report"));
        flag.setAttribute("aria-label", reported ? T.str("reported") : T.str("report_label", { text: question.text }));
      });
    }

    /* ---- what the participant does -------------------------------------------- */

    textBox.addEventListener("input", function () {
      var activity = drawn();
      if (activity) renderAsk(activity);
      textBox.removeAttribute("aria-invalid");
    });
    asName.addEventListener("change", function () {
      var activity = drawn();
      if (activity) renderAsk(activity);
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activity = drawn();
      if (!activity || activity.status !== "open") return;
      var text = textBox.value.replace(/\s+/g, " ").trim();
      var max = activity.max_length || MAX_LENGTH;
      var length = C.textLength(text);
      var problem = !text ? T.str("type_first")
        : length > max ? T.str("too_long_local", { max: T.formatNumber(max), over: T.formatNumber(length - max) }) : "";
      showError($("[data-qa-error]"), problem);
      if (problem) {
        textBox.setAttribute("aria-invalid", "true");
        return textBox.focus();
      }
      var payload = { text: text };
      if (myName && asName.checked) payload.as_name = true;
      textBox.value = "";
      asName.checked = false;
      kit.post(activity, "ask", payload);
    });

    board.addEventListener("click", function (event) {
      var activity = drawn();
      var vote = event.target.closest("[data-qa-vote]");
      var flag = event.target.closest("[data-qa-flag]");
      var button = vote || flag;
      if (!activity || !button || button.getAttribute("aria-disabled") === "true") return;
      var id = button.getAttribute("data-id");
      showError($("[data-qa-board-error]"), "");
      if (vote) {
        var up = !voted(activity, id);
        kit.post(activity, "upvote", { question_id: id, up: up });
        kit.announce(T.str(up ? "announce_voted" : "announce_unvoted"));
        return;
      }
      var question = (wallOf(activity).questions || []).filter(function (q) { return q.id === id; })[0];
      reporting = { activityId: activity.id, id: id, from: button };
      $("[data-qa-report-text]").textContent = question ? question.text : "";
      C.openDialog(reportDialog);
    });

    reportDialog.addEventListener("close", function () {
      var asked = reporting;
      var confirmed = reportDialog.returnValue === "report";
      reportDialog.returnValue = "";
      reporting = null;
      var activity = drawn();
      if (!asked) return;
      if (confirmed && activity && activity.id === asked.activityId) {
        kit.post(activity, "report", { question_id: asked.id });
      }
      if (asked.from && document.body.contains(asked.from)) asked.from.focus();
    });

    /* ---- what the server said -------------------------------------------------- */

    function answered(item, ack) {
      var own = mineOf(item.activity_id);
      var id = item.value && item.value.question_id;
      if (item.event === "ask") {
        if (ack.question_id && !own.questions.some(function (q) { return q.id === ack.question_id; })) {
          own.questions.push({ id: ack.question_id, text: item.value.text, status: ack.status || "visible" });
        }
        kit.announce(T.str(ack.status === "pending" ? "announce_sent_pending" : "announce_sent"));
      } else if (item.event === "upvote") {
        if (item.value.up) own.votes[id] = true; else delete own.votes[id];
        settling[id] = (settling[id] || 0) + (item.value.up ? 1 : -1);
      } else if (item.event === "report") {
        own.reports[id] = true;
        kit.announce(T.str("announce_reported"));
      }
      kit.render();
    }

    function refused(item, error, here) {
      var own = mineOf(item.activity_id);
      var id = item.value && item.value.question_id;
      var code = error.code;
      // The server knows better: this phone's view of its votes and reports follows it.
      if (code === "already_voted") own.votes[id] = true;
      else if (code === "not_voted") delete own.votes[id];
      else if (code === "already_reported") own.reports[id] = true;
      kit.render();
      if (!here || code === "already_voted" || code === "not_voted") return;
      if (item.event === "ask") {
        if (!textBox.value) textBox.value = item.value.text;  // nothing typed is lost
        showError($("[data-qa-error]"), errorText(code));
        var activity = drawn();
        if (activity) renderAsk(activity);
      } else {
        showError($("[data-qa-board-error]"), errorText(code));
      }
    }

    function welcome(data) {
      myName = data.name || null;
      (data.walls || []).forEach(function (wall) { if (wall && wall.type === kit.name) walls[wall.activity_id] = wall; });
      var own = data.qa_mine;
      if (own && own.activity_id) {
        var votes = {}, reports = {};
        (own.votes || []).forEach(function (id) { votes[id] = true; });
        (own.reports || []).forEach(function (id) { reports[id] = true; });
        mine[own.activity_id] = { votes: votes, reports: reports, questions: (own.questions || []).slice() };
      }
      settling = {};
      kit.render();  // the page drew the state before this phone's own part came
    }

    return {
      screen: function () { return "qa"; },
      render: render,
      // Asked questions, votes and reports are events, not answers: the server's
      // answers never stand for one (the same answer_id again is acknowledged again).
      given: function () { return false; },
      answered: answered,
      refused: refused,
      welcome: welcome,
      forget: function () { walls = {}; mine = {}; settling = {}; },
      sideLabel: function (activity) { return T.counted("side_label", wallOf(activity).n_questions || 0); },
      on: {
        wall: function (data) {
          if (!data || data.type !== kit.name) return;
          var before = walls[data.activity_id];
          walls[data.activity_id] = data;
          settling = {};
          kit.render();
          // Others' new questions on the wall this phone shows: said now and then, not
          // each one (this phone's own is said by its ack).
          var showing = !$("[data-screen='qa']").hidden && [kit.current(), kit.side()].some(function (a) { return a && a.id === data.activity_id; });
          if (showing && before && arrived(before, data)) sayWall(T.counted("announce_wall", data.n_questions || 0));
        },
        question: function (data) {
          if (!data || !data.question_id) return;
          var own = mineOf(data.activity_id).questions.filter(function (q) { return q.id === data.question_id; })[0];
          if (!own) return;
          var was = own.status;
          own.status = data.status;
          if (!onWall({ status: was }) && onWall(data)) kit.announce(T.str("announce_approved"));
          else if (data.status === "hidden") kit.announce(T.str("announce_hidden"));
          kit.render();
        }
      }
    };
  }

  /* ---- the moderation console ----------------------------------------------------- */

  // What each status allows, in the order the buttons show.
  var ACTIONS = {
    pending: ["approve", "pin", "hide"],
    held: ["approve", "hide"],
    visible: ["pin", "answered", "hide"],
    pinned: ["unpin", "answered", "hide"],
    answered: ["show", "hide"],
    hidden: ["show"]
  };

  function moderate(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var moderation = {};  // activity id -> the last "moderation"
    var renderTimer = null, lastRender = 0;

    /* The Q&A the console shows: on screen, or beside it. */
    function ours() {
      if (view.activity && view.activity.type === kit.name) return view.activity;
      if (view.side && view.side.type === kit.name) return view.side;
      return null;
    }

    /* The moderation view of `activity`; before the first "moderation" event, one
       made from its results (no reports known yet). */
    function moderationOf(activity) {
      var data = moderation[activity.id];
      if (data) return data;
      var result = kit.results(activity.id) || {};
      var questions = (result.questions || []).map(function (q) { return Object.assign({ reports: 0, held: false }, q); });
      return { activity_id: activity.id, n_answers: result.n_answers || 0, moderation: activity.moderation, questions: questions,
        pending: questions.filter(function (q) { return q.status === "pending"; }), held: [], reported: [],
        hidden: questions.filter(function (q) { return q.status === "hidden"; }), can_undo: false };
    }

    function buildRow() {
      var row = el("li", "mod-row mod-qa__row");
      var main = row.appendChild(el("div", "mod-row__main mod-qa__main"));
      main.appendChild(el("span", "mod-qa__text"));
      main.appendChild(el("span", "mod-qa__meta"));
      main.appendChild(el("span", "mod-badge"));
      row.appendChild(el("div", "mod-row__actions mod-qa__actions"));
      return row;
    }

    function fillRow(row, question, section) {
      var status = question.status === "pending" && question.held ? "held" : question.status;
      row.setAttribute("data-status", status);
      row.setAttribute("data-testid", "qa-mod-row");
      var main = row.firstChild.children;
      setText(main[0], question.text);
      var meta = [question.name || T.str("anonymous"), "▲ " + T.counted("votes", question.votes || 0)];
      if (question.reports) meta.push("⚑ " + T.counted("reports", question.reports));
      setText(main[1], meta.join(" · "));
      main[2].className = "mod-badge mod-qa__badge mod-qa__badge--" + status;
      setText(main[2], T.str("status_" + status));
      var actions = row.lastChild;
      var wanted = ACTIONS[status] || [];
      var signature = wanted.join(",") + "|" + question.id + "|" + section;
      if (actions.getAttribute("data-signature") === signature) return;
      actions.setAttribute("data-signature", signature);
      C.clear(actions);
      wanted.forEach(function (action) {
        var button = el("button", "button mod-action mod-qa__do mod-qa__do--" + action);
        button.type = "button";
        button.setAttribute("data-qa-do", action);
        button.setAttribute("data-qa-id", question.id);
        button.setAttribute("data-testid", "qa-do-" + action);
        button.appendChild(el("span", null, T.str(action === "show" && question.status === "answered" ? "do_reopen" : "do_" + action)));
        button.appendChild(el("span", "visually-hidden", " " + question.text));
        actions.appendChild(button);
      });
    }

    function fill(section, items) {
      keyed($("[data-qa-list='" + section + "']"), items, buildRow, function (row, question) { fillRow(row, question, section); });
      $("[data-qa-empty='" + section + "']").hidden = items.length > 0;
    }

    function renderNow() {
      lastRender = Date.now();
      var activity = ours();
      if (!activity) return;
      var data = moderationOf(activity);
      var questions = data.questions || [];
      var wall = questions.filter(onWall);
      var waiting = (data.pending || []).concat(data.held || []);
      setText($("[data-qa-mod-title]"), activity.prompt || "");
      setText($("[data-qa-mod-mode]"), T.str(activity.moderation === "pre" ? "mode_pre" : "mode_post"));
      var figures = { wall: wall.length, pending: waiting.length, reported: (data.reported || []).length, hidden: (data.hidden || []).length };
      Object.keys(figures).forEach(function (key) { setText($("[data-qa-n='" + key + "']"), T.formatNumber(figures[key])); });
      $("[data-qa-undo]").disabled = !data.can_undo || view.acting || !view.connected;
      fill("waiting", waiting);
      $("[data-qa-section='waiting']").classList.toggle("has-items", waiting.length > 0);
      fill("reported", data.reported || []);
      $("[data-qa-section='reported']").classList.toggle("has-items", (data.reported || []).length > 0);
      fill("wall", wall);
      fill("hidden", data.hidden || []);
    }

    /* Moderation views can come ten times a second: draw at most about three. */
    function schedule() {
      if (renderTimer) return;
      renderTimer = setTimeout(function () {
        renderTimer = null;
        renderNow();
      }, Math.max(0, lastRender + 300 - Date.now()));
    }

    function send(event, payload, done) {
      var activity = ours();
      if (view.acting || !view.connected || !activity) return;
      view.acting = true;
      payload.activity_id = activity.id;
      $("[data-qa-undo]").disabled = true;
      kit.socket().timeout(10000).emit(event, payload, function (err, ack) {
        view.acting = false;
        if (err) kit.say(T.str("no_answer"), "error");
        else if (!ack || !ack.ok) kit.say(T.errorText(ack && ack.error), "error");
        else {
          kit.say(done, "done");
          kit.announce(done);
        }
        renderNow();
      });
    }

    kit.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-qa-do]");
      if (!button || !kit.root.contains(button)) return;
      var action = button.getAttribute("data-qa-do");
      send("moderate", { question_id: button.getAttribute("data-qa-id"), action: action }, T.str("done_" + action));
    });
    $("[data-qa-undo]").addEventListener("click", function () { send("undo", {}, T.str("done_undo")); });
    $("[data-qa-chain]").addEventListener("submit", function (event) {
      event.preventDefault();
      var top = parseInt($("[data-qa-chain-top]").value, 10);
      if (!(top >= 2 && top <= 12)) {
        kit.say(T.str("chain_top"), "error");
        return $("[data-qa-chain-top]").focus();
      }
      send("shortlist", { top: top }, T.str("done_chain"));
    });

    return {
      panel: function () { return "qa"; },
      render: schedule,
      on: {
        moderation: function (data) {
          var known = data && C.activityById(view.activities, data.activity_id);
          if (!known || known.type !== kit.name) return;
          moderation[data.activity_id] = data;
          var activity = ours();
          if (activity && activity.id === data.activity_id) schedule();
        }
      }
    };
  }

  window.LiveKinds.register("qa", { host: host, phone: phone, moderate: moderate });
})();
