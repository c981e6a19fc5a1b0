/* live: the open question's browser module (rules in live/activities/open_text/,
   partials in its templates/ folder, look in static/css/kinds/open_text.css).

   Host screen: the newest answers as cards (a new one glides in, unless the
   viewer asked for reduced motion); when the room upvotes, the most upvoted
   beside them, the first one highlighted. A card chosen (click, Enter) is shown
   full screen (the host command "feature"); W goes back to the wall.
   Phone: a text box with a character counter, the answers this phone sent; when
   the room upvotes, everyone's answers with large upvote toggles and a report
   button (asked first); once shown, the answers as a table with numbers.
   Moderation console: what is held, what participants reported (how many, never
   who), the wall with Show full screen / Hold / Hide and a box to pick answers
   for a poll (the chain, chain.js), merging, what is hidden, undo.
   Answers are people's text: textContent only. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el;

  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

  /* "14 upvotes · sent by 3 people", as far as it says something. */
  function figures(T, entry, upvotes) {
    var parts = [];
    if (upvotes && entry.votes) parts.push(T.counted("votes", entry.votes));
    if ((entry.count || 1) > 1) parts.push(T.counted("sent_by", entry.count));
    return parts.join(" · ");
  }

  /* Rows of `list` kept per entry id and updated in place (a tap never lands on a
     row that was just rebuilt; focus stays on its button). */
  var keyedRows = C.keyedRows;

  /* ---- the projector ------------------------------------------------------------- */

  var MAX_CARDS = 30;       // the newest answers drawn; fit() hides what does not fit
  var TOP_SHOWN = 5;        // the most upvoted, beside them
  var ANNOUNCE_EVERY = 10000;

  function host(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var stage = $("[data-ot]"), wall = $("[data-ot-wall]"), topList = $("[data-ot-top-list]");
    var board = { activityId: null, cards: {}, drawn: false, featured: null, shown: 0, total: 0, timer: null, said: "" };

    function onScreen() { return !!view.activity && view.activity.type === kit.name && view.phase === "activity"; }
    function featuredNow() {
      var result = onScreen() ? kit.results(view.activity.id) : null;
      return (result && result.featured) || null;
    }

    function reset(activityId) {
      clearTimeout(board.timer);
      board = { activityId: activityId, cards: {}, drawn: false, featured: null, shown: 0, total: 0, timer: null, said: "" };
      C.clear(wall);
      C.clear(topList);
    }

    function buildCard(entry) {
      var item = el("li", "ot-card");
      var button = item.appendChild(el("button", "ot-card__button"));
      button.type = "button";
      button.setAttribute("data-entry", entry.id);
      button.setAttribute("title", T.str("feature_hint"));
      button.appendChild(el("span", "ot-card__text"));
      button.appendChild(el("span", "ot-card__meta"));
      item.addEventListener("animationend", function () { item.classList.remove("is-new"); });
      return item;
    }

    function renderWall(result) {
      var entries = ((result && result.entries) || []).slice(0, MAX_CARDS);
      var upvotes = !!(result && result.upvotes);
      var top = (result && result.top) || [];
      var lead = upvotes && top.length && top[0].votes > 0 ? top[0].id : null;
      keyedRows(wall, entries, function (entry) {
        var card = buildCard(entry);
        // Answers already there when the wall is first drawn do not all glide in at once.
        if (board.drawn && !C.reducedMotion) card.classList.add("is-new");
        return card;
      }, function (card, entry) {
        var parts = card.firstChild.children;
        setText(parts[0], entry.text);
        setText(parts[1], figures(T, entry, upvotes));
        parts[1].hidden = !parts[1].textContent;
        card.firstChild.setAttribute("data-entry", entry.id);
        card.classList.toggle("is-leading", entry.id === lead);
        card.setAttribute("data-length", entry.text.length > 120 ? "long" : entry.text.length > 50 ? "medium" : "short");
      });
      board.drawn = true;
      board.total = (result && result.n_entries) || entries.length;
      wall.setAttribute("data-count", entries.length > 12 ? "many" : entries.length > 4 ? "some" : "few");
      $("[data-ot-empty]").hidden = entries.length > 0;
      renderTop(upvotes ? top.slice(0, TOP_SHOWN).filter(function (e) { return e.votes > 0; }) : []);
    }

    function renderTop(top) {
      $("[data-ot-top]").hidden = !top.length;
      stage.setAttribute("data-upvotes", top.length ? "true" : "false");
      keyedRows(topList, top, function (entry) {
        var item = el("li", "ot-top__item");
        var button = item.appendChild(el("button", "ot-top__button"));
        button.type = "button";
        button.setAttribute("title", T.str("feature_hint"));
        button.appendChild(el("span", "ot-top__votes"));
        button.appendChild(el("span", "ot-top__text"));
        return item;
      }, function (item, entry, index) {
        var parts = item.firstChild.children;
        item.firstChild.setAttribute("data-entry", entry.id);
        setText(parts[0], T.formatNumber(entry.votes));
        parts[0].setAttribute("aria-label", T.counted("votes", entry.votes));
        setText(parts[1], entry.text);
        item.classList.toggle("is-first", index === 0);
      });
    }

    /* The featured answer, full screen: drawn here, shown by host.js (screen()). */
    function renderFeatured(activity, result) {
      var featured = (result && result.featured) || null;
      var id = featured ? featured.id : null;
      if (featured) {
        setText($("[data-ot-featured-prompt]"), activity.prompt || "");
        var text = $("[data-ot-featured-text]");
        setText(text, featured.text);
        text.setAttribute("data-length", featured.text.length > 160 ? "long" : featured.text.length > 60 ? "medium" : "short");
        setText($("[data-ot-featured-meta]"), figures(T, featured, !!result.upvotes));
      }
      if (id === board.featured) return;
      board.featured = id;
      kit.announce(featured ? T.str("announce_featured", { text: featured.text }) : T.str("announce_unfeatured"));
      kit.render();  // host.js shows the featured screen, or the wall again
    }

    function render(activity, result, nAnswers) {
      if (board.activityId !== activity.id) reset(activity.id);
      renderWall(result);
      fit();
      renderFeatured(activity, result);
      scheduleAnnouncement();
    }

    /* The wall fits the screen: the oldest cards that do not fit are left out, and
       a line says how many more there are. */
    function fit() {
      if (!onScreen() || stage.hidden || stage.closest("[data-screen]").hidden) return;
      var cards = Array.prototype.slice.call(wall.children);
      cards.forEach(function (card) { card.hidden = false; });
      // The "and N more" line takes its room before the wall is measured.
      var note = $("[data-ot-more]");
      note.hidden = false;
      note.textContent = T.counted("more", Math.max(1, board.total - cards.length));
      // Smaller cards first (down to 60%), then the oldest ones left out.
      var scale = 1;
      wall.style.setProperty("--fit", "1");
      while (wall.scrollHeight > wall.clientHeight + 1 && scale > 0.65) {
        scale -= 0.1;
        wall.style.setProperty("--fit", scale.toFixed(2));
      }
      var shown = cards.length;
      while (shown > 1 && wall.scrollHeight > wall.clientHeight + 1) cards[--shown].hidden = true;
      // The most upvoted: as many as fit, the best first.
      var tops = Array.prototype.slice.call(topList.children);
      tops.forEach(function (item) { item.hidden = false; });
      for (var last = tops.length - 1; last > 0 && topList.scrollHeight > topList.clientHeight + 1; last--) tops[last].hidden = true;
      var more = Math.max(0, board.total - shown);
      note.hidden = !more;
      note.textContent = more ? T.counted("more", more) : "";
    }

    function scheduleAnnouncement() {
      if (board.timer) return;
      board.timer = setTimeout(function () {
        board.timer = null;
        var result = onScreen() ? kit.results(view.activity.id) : null;
        var newest = result && result.entries && result.entries[0];
        if (!newest) return;
        var message = T.counted("announce_wall", result.n_answers).split("{text}").join(newest.text);
        if (message !== board.said) {
          board.said = message;
          kit.announce(message);
        }
      }, ANNOUNCE_EVERY);
    }

    /* A card (or a line of the most upvoted) chosen: shown full screen. */
    stage.addEventListener("click", function (event) {
      var button = event.target.closest("[data-entry]");
      if (!button || !onScreen()) return;
      kit.command("feature", { activity_id: view.activity.id, entry_id: button.getAttribute("data-entry") });
    });

    return {
      build: function (activity) { reset(activity.id); },
      clear: function () { if (board.activityId) reset(null); },
      render: render,
      fit: fit,
      tally: function () { return null; },  // it says the newest entry itself
      describe: function (activity) {
        var line = T.counted("describe", activity.max_entries || 1);
        return activity.upvotes ? line + " · " + T.str("with_upvotes") : line;
      },
      screen: function () { return featuredNow() ? "ot-featured" : null; },
      actions: {
        unfeature: {
          target: function () { return featuredNow() ? view.activity : null; },
          shown: function () { return !!featuredNow(); },
          run: function (activity, api) {
            api.command("feature", { activity_id: activity.id, entry_id: null }, 10000);
          }
        }
      },
      keys: { w: "unfeature" }
    };
  }

  /* ---- the phone ------------------------------------------------------------------ */

  var NEAR_LIMIT = 20;  // characters left when the counter starts saying so

  function cleaned(text) { return String(text).replace(/\s+/g, " ").trim(); }
  function sameEntry(a, b) {
    function norm(text) {
      var t = cleaned(text);
      if (t.normalize) t = t.normalize("NFC");
      return t.toLowerCase();
    }
    return norm(a) === norm(b);
  }

  function phone(kit) {
    var T = kit.T, $ = kit.$;
    var form = $("[data-ot-form]"), input = $("[data-ot-text]"), errorNode = $("[data-ot-error]");
    var done = $("[data-ot-done]"), counter = $("[data-ot-counter]"), counterLive = $("[data-ot-counter-live]");
    var boardList = $("[data-ot-board-list]"), reportDialog = $("[data-ot-report-dialog]");
    var remainingFor = {};  // activity id -> answers left, from the last ack
    var builtFor = null;    // the activity the text box was set up for
    var walls = {};         // activity id -> the last "wall"
    var mine = null;        // {votes: {activity id: {entry id: true}}, reports: ...}, from what the server holds
    var busy = {};          // entry id -> true while its upvote is on its way
    var order = "newest";   // the board's order: "newest" or "top"
    var reporting = null;   // {activity, entry} the report dialog asks about
    var counterSaid = "";
    var sayBoard = C.throttled(kit.announce.later, 15000);

    function texts(activityId) { return kit.given(activityId).filter(function (v) { return typeof v === "string"; }); }
    /* Whether `now` (a wall) shows an answer of someone else that `before` did not. */
    function arrived(before, now) {
      var known = {}, sent = texts(now.activity_id);
      (before.entries || []).forEach(function (e) { known[e.id] = true; });
      return (now.entries || []).some(function (e) {
        return !known[e.id] && !sent.some(function (text) { return sameEntry(text, e.text); });
      });
    }

    /* This phone's upvotes and reports of an activity: from the values the server
       holds (its welcome), then kept here as the acks come. */
    function own(activityId) {
      if (!mine) mine = { votes: {}, reports: {} };
      if (!mine.votes[activityId]) {
        var votes = mine.votes[activityId] = {}, reports = mine.reports[activityId] = {};
        kit.given(activityId).forEach(function (value) {
          if (!value || typeof value !== "object") return;
          if (typeof value.vote === "string" && value.up === false) {
            (Array.isArray(value.ids) ? value.ids : [value.vote]).forEach(function (id) { delete votes[id]; });
          } else if (typeof value.vote === "string") votes[value.vote] = true;
          else if (typeof value.report === "string") reports[value.report] = true;
        });
      }
      return { votes: mine.votes[activityId], reports: mine.reports[activityId] };
    }

    function remainingOf(activity) {
      var left = Math.max(0, (activity.max_entries || 1) - texts(activity.id).length);
      if (typeof remainingFor[activity.id] === "number") left = Math.min(left, Math.max(0, remainingFor[activity.id]));
      return left;
    }
    var errorLine = C.errorLine(errorNode, input);
    var showError = errorLine.show, hideError = errorLine.hide;

    /* "12 / 200 characters"; near the limit it is said aloud, once per step. Nothing
       is cut: a longer text (pasted, say) stays as typed, and the counter says how
       many characters are too many until it is shortened. */
    function renderCounter(activity) {
      var max = activity.max_length || 200;
      var n = C.textLength(input.value);
      var figures = { n: T.formatNumber(n), max: T.formatNumber(max), over: T.formatNumber(n - max) };
      counter.textContent = T.str(n > max ? "counter_over" : "counter", figures);
      counter.classList.toggle("is-near", max - n <= NEAR_LIMIT);
      counter.classList.toggle("is-full", n >= max);
      counter.classList.toggle("is-over", n > max);
      if (n > max) input.setAttribute("aria-invalid", "true");
      else if (errorNode.hidden) input.removeAttribute("aria-invalid");
      var say = n > max ? T.str("counter_over", figures) : n === max ? T.str("counter_full")
        : max - n <= NEAR_LIMIT ? T.str("counter_near", { left: max - n }) : "";
      var step = n > max ? "over" : n === max ? "full" : max - n <= NEAR_LIMIT ? "near" : "";
      if (step !== counterSaid) {
        counterSaid = step;
        counterLive.textContent = say;
      }
    }

    function render(activity) {
      if (builtFor !== activity.id) {
        builtFor = activity.id;
        input.value = "";
        counterSaid = "";
        hideError();
      }
      var total = activity.max_entries || 1;
      $("[data-ot-number]").textContent = kit.number(activity);
      $("[data-ot-prompt]").textContent = activity.prompt || "";
      var sent = texts(activity.id);
      var waiting = kit.queued(activity.id);
      var sending = waiting.length > 0;
      var left = remainingOf(activity);
      var open = activity.status === "open";
      var finished = left <= 0 && !sending;

      $("[data-ot-remaining]").textContent = total > 1 ? T.str("remaining", { remaining: left, total: total }) : "";
      $("[data-ot-entry]").hidden = !open || finished;
      input.readOnly = sending;
      if (sending && !input.value) input.value = waiting[0].value;
      $("[data-ot-send]").hidden = sending;
      $("[data-ot-sending]").hidden = !sending;
      done.hidden = !finished || !open;
      $("[data-ot-done-detail]").textContent = T.str(activity.upvotes ? "done_detail_upvotes" : "done_detail");
      $("[data-ot-closed]").hidden = open;
      form.classList.toggle("is-locked", sending);
      renderCounter(activity);

      var list = $("[data-ot-mine-list]");
      while (list.children.length > sent.length) list.removeChild(list.lastChild);
      sent.forEach(function (value, i) {
        var item = list.children[i] || list.appendChild(el("li", "wc__item"));
        setText(item, value);
      });
      $("[data-ot-mine]").hidden = sent.length === 0;
      renderBoard(activity);
      renderResults(activity);
    }

    /* ---- everyone's answers, to upvote (and report) while it is open ---- */

    function sortedEntries(wall) {
      var entries = ((wall && wall.entries) || []).slice();
      if (order === "top") {
        return entries.sort(function (a, b) { return (b.votes || 0) - (a.votes || 0) || (b.count || 0) - (a.count || 0) || b.newest - a.newest; });
      }
      return entries.sort(function (a, b) { return b.newest - a.newest; });
    }

    function buildEntry() {
      var row = el("li", "ot-entry");
      row.appendChild(el("p", "ot-entry__text"));
      var meta = row.appendChild(el("p", "ot-entry__meta"));
      meta.appendChild(el("span", "ot-entry__yours"));
      meta.appendChild(el("span", "ot-entry__figures"));
      var actions = row.appendChild(el("div", "ot-entry__actions"));
      var vote = actions.appendChild(el("button", "ot-vote"));
      vote.type = "button";
      vote.appendChild(el("span", "ot-vote__icon", "▲")).setAttribute("aria-hidden", "true");
      vote.appendChild(el("span", "ot-vote__label"));
      vote.appendChild(el("span", "ot-vote__count")).setAttribute("aria-hidden", "true");  // said in words below
      vote.appendChild(el("span", "visually-hidden"));  // its name goes on with the answer and its upvotes
      var report = actions.appendChild(el("button", "ot-report"));
      report.type = "button";
      report.appendChild(el("span", "ot-report__icon", "⚑")).setAttribute("aria-hidden", "true");
      report.appendChild(el("span", "ot-report__label"));
      return row;
    }

    function renderBoard(activity) {
      var section = $("[data-ot-board]");
      var wall = walls[activity.id];
      section.hidden = !activity.upvotes || activity.status !== "open" || !wall;
      if (section.hidden) return;
      var entries = sortedEntries(wall);
      var ownNow = own(activity.id);
      var sent = texts(activity.id);
      keyedRows(boardList, entries, buildEntry, function (row, entry, index) {
        var voted = !!ownNow.votes[entry.id], reported = !!ownNow.reports[entry.id];
        setText(row.children[0], entry.text);
        var yours = row.children[1].children[0];
        var isMine = sent.some(function (text) { return sameEntry(text, entry.text); });
        setText(yours, isMine ? T.str("yours") : "");
        yours.hidden = !isMine;
        setText(row.children[1].children[1], (entry.count || 1) > 1 ? T.counted("sent_by", entry.count) : "");
        var vote = row.querySelector(".ot-vote"), report = row.querySelector(".ot-report");
        vote.setAttribute("data-ot-vote", entry.id);
        vote.setAttribute("aria-pressed", voted ? "true" : "false");
        vote.setAttribute("aria-busy", busy[entry.id] ? "true" : "false");
        C.setTid(vote, "ot-vote-" + index);
        setText(vote.children[1], T.str(voted ? "upvoted" : "upvote"));
        setText(vote.children[2], T.formatNumber(entry.votes || 0));
        setText(vote.children[3], ": " + entry.text + " (" + T.counted("votes", entry.votes || 0) + ")");
        report.setAttribute("data-ot-report", entry.id);
        report.disabled = reported;
        C.setTid(report, "ot-report-" + index);
        setText(report.children[1], T.str(reported ? "reported" : "report"));
        report.setAttribute("aria-label", T.str(reported ? "reported" : "report") + ": " + entry.text);
      });
      $("[data-ot-board-empty]").hidden = entries.length > 0;
      var more = Math.max(0, (wall.n_entries || 0) - entries.length);
      $("[data-ot-board-more]").hidden = !more;
      $("[data-ot-board-more]").textContent = more ? T.counted("more", more) : "";
      Array.prototype.forEach.call($all("[data-ot-sort]"), function (button) {
        button.setAttribute("aria-pressed", button.getAttribute("data-ot-sort") === order ? "true" : "false");
      });
    }
    function $all(selector) { return kit.$all(selector); }

    function boardError(error) {
      var node = $("[data-ot-board-error]");
      node.textContent = error ? T.errorText(error) : "";
      node.hidden = !error;
    }

    function entryOf(activityId, id) {
      return ((walls[activityId] && walls[activityId].entries) || []).filter(function (e) { return e.id === id; })[0];
    }

    function toggleVote(id) {
      var activity = kit.current();
      var entry = activity && entryOf(activity.id, id);
      if (!entry || busy[id]) return;
      var votes = own(activity.id).votes;
      var up = !votes[id];
      busy[id] = true;
      boardError(null);
      kit.command("upvote", { activity_id: activity.id, question_id: id, up: up }, function (error) {
        busy[id] = false;
        var code = error && error.code;
        if (!error || code === "already_upvoted" || code === "not_upvoted") {
          var now = error ? code === "already_upvoted" : up;
          if (now) votes[id] = true; else delete votes[id];
          // The count moves now; the next wall from the server has it too.
          if (!error) entry.votes = Math.max(0, (entry.votes || 0) + (up ? 1 : -1));
          kit.announce(T.str(now ? "announce_upvoted" : "announce_unvoted", { text: entry.text }));
        } else {
          boardError(error);
        }
        kit.render();
      });
      kit.render();
    }

    function askReport(id) {
      var activity = kit.current();
      var entry = activity && entryOf(activity.id, id);
      if (!entry) return;
      reporting = { activity: activity, entry: entry };
      $("[data-ot-report-quote]").textContent = entry.text;
      C.openDialog(reportDialog);
    }

    reportDialog.addEventListener("close", function () {
      var asked = reporting;
      var confirmed = reportDialog.returnValue === "report";
      reportDialog.returnValue = "";
      reporting = null;
      if (!asked) return;
      var focusBack = function () {
        var row = boardList.querySelector("[data-key='" + asked.entry.id + "']");
        if (row) row.querySelector(".ot-vote").focus();
      };
      if (!confirmed) return focusBack();
      boardError(null);
      kit.command("report", { activity_id: asked.activity.id, entry_id: asked.entry.id }, function (error) {
        if (!error || error.code === "already_reported") {
          own(asked.activity.id).reports[asked.entry.id] = true;
          kit.announce(T.str("announce_reported"));
        } else {
          boardError(error);
        }
        kit.render();
        focusBack();
      });
    });

    boardList.addEventListener("click", function (event) {
      var vote = event.target.closest("[data-ot-vote]");
      if (vote) return toggleVote(vote.getAttribute("data-ot-vote"));
      var report = event.target.closest("[data-ot-report]");
      if (report && !report.disabled) askReport(report.getAttribute("data-ot-report"));
    });

    Array.prototype.forEach.call($all("[data-ot-sort]"), function (button) {
      button.addEventListener("click", function () {
        order = button.getAttribute("data-ot-sort");
        var activity = kit.current();
        if (activity && activity.type === kit.name) renderBoard(activity);
      });
    });

    /* ---- the group's answers, once the facilitator shows them ---- */

    function renderResults(activity) {
      var result = kit.results(activity.id);
      var showing = !!result && activity.status !== "open";
      $("[data-ot-results]").hidden = !showing;
      if (!showing) return;
      var upvotes = !!result.upvotes;
      var entries = result.entries || [];
      var rows = entries.map(function (entry) {
        return [entry.text, T.formatNumber(upvotes ? entry.votes || 0 : entry.count || 0)];
      });
      var holder = $("[data-ot-table]");
      C.clear(holder);
      if (rows.length) {
        holder.appendChild(C.table("results-table", T.str(upvotes ? "results_caption" : "results_caption_plain"),
          [T.str("column_answer"), T.str(upvotes ? "column_votes" : "column_senders")], rows));
      }
      $("[data-ot-results-empty]").hidden = rows.length > 0;
      var more = Math.max(0, (result.n_entries || 0) - entries.length);
      $("[data-ot-results-more]").hidden = !more;
      $("[data-ot-results-more]").textContent = more ? T.counted("results_more", more) : "";
    }

    /* ---- sending an answer (the outbox) ---- */

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activity = kit.current();
      if (!activity || activity.type !== kit.name || activity.status !== "open") return;
      if (kit.queued(activity.id).length) return;
      var value = cleaned(input.value);
      var max = activity.max_length || 200;
      if (!value) {
        showError(T.str("type_first"));
        return input.focus();
      }
      if (C.textLength(value) > max) {
        showError(T.str("too_long_local", { max: T.formatNumber(max), over: T.formatNumber(C.textLength(value) - max) }));
        return input.focus();
      }
      hideError();
      input.value = value;
      kit.send(activity, value);
    });

    input.addEventListener("input", function () {
      if (!errorNode.hidden) hideError();
      var activity = kit.current();
      if (activity && activity.type === kit.name) renderCounter(activity);
    });

    function answered(sent, ack, here) {
      if (typeof ack.remaining === "number") remainingFor[sent.activity_id] = ack.remaining;
      if (!here) return;
      if (sameEntry(input.value, sent.value)) input.value = "";
      var activity = kit.current();
      kit.render();
      var left = remainingOf(activity);
      kit.announce(left > 0 ? T.str("announce_sent", { remaining: left, total: activity.max_entries || 1 }) : T.str("announce_done"));
      if (!done.hidden) done.focus();
      else if (!input.closest("[hidden]")) input.focus();
    }

    function refused(sent, error, here) {
      var activity = kit.current();
      if (error.code === "closed" && here) activity.status = "closed";
      if (error.code === "limit_reached" || error.code === "already_answered") remainingFor[sent.activity_id] = 0;
      if (here && !input.value) input.value = sent.value;  // kept, to fix it
      kit.render();
      if (!here) return;
      showError(T.S["ot_error_" + error.code] ? T.str("ot_error_" + error.code, { max: activity.max_length || "" }) : T.errorText(error));
      if (!input.closest("[hidden]")) input.focus();
    }

    return {
      screen: function () { return "open_text"; },
      render: render,
      // An answer the server holds is one with the same letters (case, spaces aside).
      given: function (item, values) {
        return values.some(function (v) { return typeof v === "string" && sameEntry(v, item.value); });
      },
      answered: answered,
      refused: refused,
      welcome: function (welcome) {
        mine = null;  // this phone's upvotes and reports, from what the server holds now
        var heard = (welcome.walls || []).filter(function (wall) { return wall && wall.type === kit.name; });
        heard.forEach(function (wall) { walls[wall.activity_id] = wall; });
        if (heard.length) kit.render();  // drawn before the walls were known
      },
      forget: function () { mine = null; walls = {}; },
      on: {
        wall: function (wall) {
          if (!wall || wall.type !== kit.name || !wall.activity_id) return;
          var before = walls[wall.activity_id];
          walls[wall.activity_id] = wall;
          var activity = kit.current();
          if (activity && activity.id === wall.activity_id && kit.phase() === "activity") renderBoard(activity);
          // Others' new answers on the board this phone shows: said now and then, not
          // each one (this phone's own is said by its ack).
          if (!$("[data-ot-board]").hidden && before && arrived(before, wall)) sayBoard(T.counted("announce_board", wall.n_entries || 0));
        }
      }
    };
  }

  /* ---- the moderation console ------------------------------------------------------ */

  var ROW_BUTTONS = {
    shown: ["feature", "hold", "hide"],
    held: ["release", "hide"],
    hidden: ["show"],
    reported: ["feature", "hold", "release", "hide", "show"]
  };
  // What each button does to an entry in each status (null: not offered there).
  var OFFERED = {
    feature: { shown: true }, hold: { shown: true }, release: { held: true },
    hide: { shown: true, held: true }, show: { hidden: true }
  };

  function moderate(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var moderation = {};   // activity id -> the last "moderation" event
    var renderTimer = null, lastRender = 0;

    function onScreen() { return !!view.activity && view.activity.type === kit.name; }

    /* The moderation view of the question on screen; before the first "moderation"
       event, one made from the "results" (what the wall shows). */
    function dataOf(activity) {
      if (moderation[activity.id]) return moderation[activity.id];
      var result = kit.results(activity.id) || {};
      return {
        activity_id: activity.id, n_answers: result.n_answers || 0, upvotes: !!result.upvotes,
        entries: (result.entries || []).map(function (e) { return Object.assign({ status: "shown", reports: 0, merged: [] }, e); }),
        n_entries: result.n_entries || 0, held: [], hidden: [], reported: [],
        featured: result.featured ? result.featured.id : null, can_undo: false
      };
    }

    function buildRow(kind) {
      return function () {
        var row = el("li", "mod-row ot-row");
        if (kind === "shown") {
          var pick = row.appendChild(el("input", "checkbox ot-row__pick"));
          pick.type = "checkbox";
        }
        var main = row.appendChild(el("div", "mod-row__main"));
        main.appendChild(el("span", "mod-row__word"));
        main.appendChild(el("span", "mod-row__count"));
        main.appendChild(el("span", "mod-badge"));
        main.appendChild(el("span", "mod-row__spellings ot-row__figures"));
        var actions = row.appendChild(el("div", "mod-row__actions"));
        ROW_BUTTONS[kind].forEach(function (action) {
          var button = actions.appendChild(el("button", "button mod-action"));
          button.type = "button";
          button.setAttribute("data-ot-do", action);
          button.appendChild(el("span", "mod-action__label"));
          button.appendChild(el("span", "visually-hidden"));
        });
        return row;
      };
    }

    function fillRow(kind, featured, upvotes) {
      return function (row, entry, index) {
        var main = row.querySelector(".mod-row__main");
        var pick = row.querySelector(".ot-row__pick");
        if (pick) {
          pick.setAttribute("data-shortlist-pick", entry.id);
          pick.setAttribute("data-shortlist-text", entry.text);
          pick.setAttribute("aria-label", T.str("pick") + ": " + entry.text);
          pick.setAttribute("data-testid", "ot-pick-" + index);
        }
        setText(main.querySelector(".mod-row__word"), entry.text);
        setText(main.querySelector(".mod-row__count"), T.str("count", { n: T.formatNumber(entry.count || 1) }));
        var isFeatured = entry.id === featured && entry.status === "shown";
        var badge = main.querySelector(".mod-badge");
        var status = isFeatured ? "featured" : entry.status;
        badge.className = "mod-badge mod-badge--" + status;
        setText(badge, T.str("status_" + status));
        var parts = [];
        if (upvotes && entry.votes) parts.push(T.counted("votes", entry.votes));
        if (entry.reports) parts.push(T.counted("reports", entry.reports));
        setText(main.querySelector(".ot-row__figures"), parts.join(" · "));
        row.className = "mod-row ot-row mod-row--" + entry.status + (isFeatured ? " is-featured" : "");
        row.setAttribute("data-testid", "ot-" + kind + "-" + index);
        Array.prototype.forEach.call(row.querySelectorAll("[data-ot-do]"), function (button) {
          var action = button.getAttribute("data-ot-do");
          button.hidden = !OFFERED[action][entry.status];
          var label = action === "feature" && isFeatured ? "unfeature" : action;
          button.setAttribute("data-entry", entry.id);
          button.setAttribute("data-label", label);
          button.setAttribute("data-testid", "ot-" + label + "-" + kind + "-" + index);
          if (action === "feature") button.setAttribute("aria-pressed", isFeatured ? "true" : "false");
          button.className = "button mod-action " + (action === "hide" ? "button--ghost" : "button--secondary");
          setText(button.firstChild, T.str(label));
          setText(button.lastChild, " " + entry.text);
        });
      };
    }

    function fillSelect(select, entries) {
      // Left alone while nothing changed: an open list must not close under the finger.
      var signature = entries.map(function (e) { return e.id + "\u0000" + e.text + "\u0000" + e.count; }).join("\u0001");
      if (select.getAttribute("data-signature") === signature) return;
      select.setAttribute("data-signature", signature);
      var before = select.value;
      C.clear(select);
      select.appendChild(el("option", null, T.str("merge_choose"))).value = "";
      entries.forEach(function (entry) {
        select.appendChild(el("option", null, entry.text + " (" + T.formatNumber(entry.count || 1) + ")")).value = entry.id;
      });
      select.value = before;
      if (select.value !== before) select.value = "";
    }

    function renderModeration() {
      lastRender = Date.now();
      var data = dataOf(view.activity);
      var lists = { shown: data.entries || [], held: data.held || [], hidden: data.hidden || [], reported: data.reported || [] };
      var counts = { answers: data.n_answers || 0, shown: data.n_entries || lists.shown.length, held: lists.held.length,
        reported: lists.reported.length, hidden: lists.hidden.length };
      Object.keys(counts).forEach(function (name) {
        $("[data-testid='ot-n-" + name + "']").textContent = T.formatNumber(counts[name]);
      });
      $("[data-ot-answers-label]").textContent = T.plural("answers", counts.answers);
      Object.keys(lists).forEach(function (kind) {
        keyedRows($("[data-ot-list='" + kind + "']"), lists[kind], buildRow(kind), fillRow(kind, data.featured, !!data.upvotes));
        $("[data-ot-empty='" + kind + "']").hidden = lists[kind].length > 0;
      });
      var more = Math.max(0, counts.shown - lists.shown.length);
      $("[data-ot-more]").hidden = !more;
      $("[data-ot-more]").textContent = more ? T.counted("more", more) : "";
      $("[data-ot-undo]").disabled = !data.can_undo || view.acting || !view.connected;
      var mergeable = lists.shown.concat(lists.held);
      fillSelect($("[data-ot-merge-from]"), mergeable);
      fillSelect($("[data-ot-merge-into]"), mergeable);
      $("[data-ot-merge-form]").hidden = mergeable.length < 2;
    }

    /* "moderation" events can come ten times a second: drawn at most about three. */
    function scheduleModeration() {
      if (renderTimer) return;
      renderTimer = setTimeout(function () {
        renderTimer = null;
        if (onScreen() && view.phase === "activity") renderModeration();
      }, Math.max(0, lastRender + 300 - Date.now()));
    }

    function textOf(id) {
      var data = view.activity ? dataOf(view.activity) : {};
      var all = (data.entries || []).concat(data.held || [], data.hidden || [], data.reported || []);
      for (var i = 0; i < all.length; i++) if (all[i].id === id) return all[i].text;
      return "";
    }

    function send(event, payload, doneMessage) {
      if (view.acting || !view.connected || !view.activity) return;
      view.acting = true;
      payload.activity_id = view.activity.id;
      $("[data-ot-undo]").disabled = true;
      kit.socket().timeout(10000).emit(event, payload, function (err, ack) {
        view.acting = false;
        if (err) kit.say(T.str("no_answer"), "error");
        else if (!ack || !ack.ok) kit.say(T.errorText(ack && ack.error), "error");
        else {
          kit.say(doneMessage, "done");
          kit.announce(doneMessage);
        }
        if (onScreen()) renderModeration();
      });
    }

    kit.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-ot-do]");
      if (!button || !kit.root.contains(button) || !onScreen()) return;
      var id = button.getAttribute("data-entry");
      var label = button.getAttribute("data-label");
      var message = T.str("done_" + label, { text: textOf(id) });
      if (label === "feature" || label === "unfeature") {
        return send("feature", { entry_id: label === "feature" ? id : null }, message);
      }
      send("moderate", { action: label, entry_id: id }, message);
    });

    $("[data-ot-undo]").addEventListener("click", function () { send("undo", {}, T.str("done_undo")); });

    $("[data-ot-merge-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var from = $("[data-ot-merge-from]").value, into = $("[data-ot-merge-into]").value;
      if (!from || !into || from === into) {
        kit.say(T.str("merge_pick_two"), "error");
        return $("[data-ot-merge-from]").focus();
      }
      var message = T.str("done_merge", { from: textOf(from), into: textOf(into) });
      $("[data-ot-merge-from]").value = "";
      $("[data-ot-merge-into]").value = "";
      send("moderate", { action: "merge", from: from, into: into }, message);
    });

    return {
      panel: function () { return "open_text"; },
      render: scheduleModeration,
      on: {
        moderation: function (data) {
          if (!data || !data.activity_id) return;
          moderation[data.activity_id] = data;
          if (onScreen() && view.activity.id === data.activity_id) scheduleModeration();
        }
      }
    };
  }

  window.LiveKinds.register("open_text", { host: host, phone: phone, moderate: moderate });
})();
