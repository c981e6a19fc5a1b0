/* live: the moderation page, on the facilitator's own laptop or phone.

   Connects like a host screen (view "moderator") and so receives what a host
   gets, plus "moderation" events for the current word cloud: every group of
   entries with its status, what the profanity filter holds, what is hidden.
   Sends "moderate" (hide, show, release, merge) and "undo", and drives the
   session like the host screen (previous, open, close, next, end) with the
   same controls (controls.js; small helpers are in common.js). The
   Participants card locks or unlocks joins, lets in the phones waiting beyond
   the expected size, and removes many participants at once ("remove_many":
   counted first, then confirmed with that number).
   Words typed by participants go into the page with textContent only. */
(function () {
  "use strict";

  var root = document.getElementById("moderate");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var hostToken = root.getAttribute("data-host-token");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";

  var C = window.LiveCommon;
  var S = C.readJson("live-strings", {});
  var T = C.texts(S, lang);
  var activities = C.normaliseActivities(C.readJson("live-activities", []));

  var view = {
    phase: "lobby",
    activity: null,
    results: {},         // activity id -> last "results"
    moderation: {},      // activity id -> last "moderation"
    presence: { n_participants: 0, n_connected: 0 },
    connected: false,
    everConnected: false,
    ended: false,
    busy: false,
    fatal: false,
    acting: false,       // a moderation action is on its way
    leaderboard: null,   // the last quiz standings ("results".leaderboard)
    removing: null,      // the player the remove dialog asks about
    joins: { locked: false, expected_participants: null, n_waiting: 0 },  // the last "joins"
    removingMany: null   // {payload, as_of, n}: what the remove-many dialog asks about
  };

  /* ---- helpers (common.js) ------------------------------------------------------- */

  var str = T.str, plural = T.plural, formatNumber = T.formatNumber, playerName = T.playerName;
  var el = C.el, clear = C.clear, isWordCloud = C.isWordCloud, isQuiz = C.isQuiz, LETTERS = C.LETTERS;
  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function activityById(id) { return C.activityById(activities, id); }
  function indexOfActivity(id) { return C.indexOfActivity(activities, id); }
  function hasQuiz() { return activities.some(isQuiz); }

  var announce = C.announcer($("[data-announcer]"), 60);

  var messageNode = $("[data-message]");
  var messageTimer = null;
  function showMessage(text, kind) {
    messageNode.textContent = text || "";
    messageNode.setAttribute("data-kind", kind || "info");
    clearTimeout(messageTimer);
    if (text) messageTimer = setTimeout(function () { messageNode.textContent = ""; }, 10000);
  }

  /* ---- what is on --------------------------------------------------------------- */

  function showPanel(name) {
    root.setAttribute("data-phase", name);
    $all("[data-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-panel") !== name;
    });
  }

  function renderPresence() {
    var p = view.presence;
    var connected = el("strong", null, formatNumber(p.n_connected));
    connected.setAttribute("data-testid", "n-connected");
    var joined = el("strong", null, formatNumber(p.n_participants));
    joined.setAttribute("data-testid", "n-joined");
    C.fillTemplate($("[data-presence-text]"), str("presence"), { connected: connected, joined: joined });
  }

  function renderNow() {
    var activity = view.activity;
    var number = $("[data-activity-number]");
    var status = $("[data-status]");
    var prompt = $("[data-prompt]");
    if (!activity || view.ended) {
      number.textContent = "";
      status.textContent = "";
      status.className = "mstatus";
      prompt.textContent = "";
      return;
    }
    var index = indexOfActivity(activity.id);
    var allPolls = activities.every(function (a) { return !a.type || a.type === "poll"; });
    number.textContent = str(allPolls ? "poll_n_of_m" : "activity_n_of_m", {
      n: index >= 0 ? index + 1 : activity.position + 1, m: activities.length || view.nActivities || 1
    });
    var key = activity.status === "open" ? "open" : activity.status === "closed" ? "closed" :
      activity.status === "revealed" ? "revealed" : "pending";
    status.className = "mstatus mstatus--" + key;
    status.setAttribute("data-state", key);
    var cloud = isWordCloud(activity);
    if (isQuiz(activity)) status.textContent = key === "pending" ? str("not_opened") : str("quiz_" + key);
    else status.textContent = key === "open" ? str(cloud ? "wc_open" : "voting_open")
      : key === "closed" ? str(cloud ? "wc_closed" : "voting_closed") : str("not_opened");
    prompt.textContent = activity.prompt || "";
  }

  function render() {
    if (view.phase === "ended" || view.ended) showPanel("ended");
    else if (view.phase === "activity" && view.activity) {
      showPanel(isWordCloud(view.activity) ? "wordcloud" : isQuiz(view.activity) ? "quiz" : "poll");
      if (isWordCloud(view.activity)) scheduleModeration();
      else if (isQuiz(view.activity)) renderQuizPanel();
      else renderPoll();
    } else showPanel("lobby");
    renderNow();
    renderPlayers();
    renderPeople();
    renderControls();
  }

  /* ---- a quiz question: counts for the facilitator, the clock, the players ---------- */

  function renderQuizPanel() {
    var activity = view.activity;
    var result = view.results[activity.id] || {};
    var counts = result.counts || activity.counts || [];
    var correct = activity.correct || result.correct || [];
    var revealed = activity.status === "revealed";
    var list = $("[data-quiz-results]");
    clear(list);
    (activity.options || []).forEach(function (option, index) {
      var isRight = revealed && correct.indexOf(index) !== -1;
      var row = el("li", "mod-poll__row" + (isRight ? " is-correct" : ""));
      row.setAttribute("data-testid", "quiz-row-" + index);
      var label = el("span", "mod-poll__label");
      label.appendChild(el("span", "mod-poll__letter", LETTERS.charAt(index)));
      label.appendChild(el("span", null, option));
      if (isRight) {
        var badge = el("span", "mod-badge mod-badge--shown", "✓ " + str("correct"));
        label.appendChild(badge);
      }
      row.appendChild(label);
      row.appendChild(el("strong", "mod-poll__count", formatNumber(counts[index] || 0)));
      list.appendChild(row);
    });
    var n = result.n_answers || 0;
    $("[data-quiz-answers]").textContent = formatNumber(n);
    $("[data-quiz-answers-label]").textContent = plural("answers", n);
    $("[data-quiz-secret]").hidden = revealed;
    tickClock();
  }

  var clock = { activityId: null, deadline: 0, timer: null };

  function startClock(activity) {
    clearInterval(clock.timer);
    clock.timer = null;
    clock.activityId = isQuiz(activity) ? activity.id : null;
    if (!isQuiz(activity) || activity.status !== "open") return;
    clock.deadline = window.performance.now() + Math.max(0, activity.remaining_ms || 0);
    clock.timer = setInterval(tickClock, 500);
  }

  function tickClock() {
    var activity = view.activity;
    var node = $("[data-quiz-clock]");
    if (!isQuiz(activity) || activity.id !== clock.activityId) { node.textContent = ""; return; }
    if (activity.status === "open") {
      var seconds = Math.ceil(Math.max(0, clock.deadline - window.performance.now()) / 1000);
      node.textContent = seconds > 0 ? str("seconds_left", { n: formatNumber(seconds) }) : str("time_up");
      node.setAttribute("data-state", seconds > 5 ? "running" : "urgent");
      if (seconds <= 0) { clearInterval(clock.timer); clock.timer = null; }
    } else {
      node.textContent = activity.status === "pending" ? "" : activity.status === "revealed" ? str("quiz_revealed") : str("time_up");
      node.setAttribute("data-state", "stopped");
    }
  }


  /* The standings with a Remove button each; rows are rebuilt only when they
     changed, and the focus goes back near its place. */
  function renderPlayers() {
    var section = $("[data-players]");
    section.hidden = !hasQuiz() || view.ended || view.phase === "ended";
    if (section.hidden) return;
    var rows = view.leaderboard || [];
    var list = $("[data-player-list]");
    var signature = rows.map(function (r) { return r.participant_id + ":" + r.score + ":" + r.rank + ":" + r.name; }).join("|") +
      "|" + (view.connected && !view.busy ? "on" : "off");
    $("[data-players-empty]").hidden = rows.length > 0;
    if (list.getAttribute("data-signature") === signature) return;
    list.setAttribute("data-signature", signature);
    var focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.getAttribute("data-testid") : null;
    clear(list);
    rows.forEach(function (row, index) {
      var item = el("li", "mod-row mod-player");
      item.setAttribute("data-testid", "player-" + index);
      var main = el("div", "mod-row__main");
      main.appendChild(el("span", "mod-player__rank", str("rank", { rank: formatNumber(row.rank || index + 1) })));
      main.appendChild(el("span", "mod-row__word" + (row.name ? "" : " is-anonymous"), playerName(row, rows)));
      main.appendChild(el("span", "mod-row__count", plural("points", row.score || 0).split("{n}").join(formatNumber(row.score || 0))));
      item.appendChild(main);
      var actions = el("div", "mod-row__actions");
      var button = el("button", "button button--ghost mod-action mod-action--remove");
      button.type = "button";
      button.setAttribute("data-testid", "remove-" + index);
      button.setAttribute("data-remove", row.participant_id);
      button.appendChild(el("span", null, str("remove")));
      button.appendChild(el("span", "visually-hidden", " " + playerName(row, rows)));
      if (!view.connected || view.busy) button.setAttribute("aria-disabled", "true");
      actions.appendChild(button);
      item.appendChild(actions);
      list.appendChild(item);
    });
    if (focused) {
      var again = list.querySelector("[data-testid='" + focused + "']");
      if (again) again.focus();
    }
  }

  var removeDialog = $("[data-remove-dialog]");

  $("[data-player-list]").addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove]");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    var id = button.getAttribute("data-remove");
    var rows = view.leaderboard || [];
    var row = rows.filter(function (r) { return r.participant_id === id; })[0];
    if (!row) return;
    view.removing = { id: id, name: playerName(row, rows), from: button.getAttribute("data-testid") };
    $("[data-remove-title]").textContent = str("remove_title", { name: view.removing.name });
    C.openDialog(removeDialog);
  });

  removeDialog.addEventListener("close", function () {
    var who = view.removing;
    var confirmed = removeDialog.returnValue === "remove";
    removeDialog.returnValue = "";
    if (!who) return;
    view.removing = null;
    if (!confirmed) {
      var back = $("[data-testid='" + who.from + "']");
      if (back) back.focus();
      return;
    }
    command("remove", { participant_id: who.id }, 10000, function () {
      // Off the list at once; the next standings from the server agree.
      if (view.leaderboard) {
        view.leaderboard = view.leaderboard.filter(function (r) { return r.participant_id !== who.id; });
      }
      var message = str("removed_player", { name: who.name });
      showMessage(message, "done");
      announce(message);
      renderPlayers();
      var heading = document.getElementById("players-title");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });
  });

  /* ---- participants: the door, the waiting phones, removing many --------------------- */

  function renderPeople() {
    var joins = view.joins || {};
    $("[data-door-text]").textContent = joins.locked ? str("door_locked") : joins.expected_participants ?
      str("door_open_expected", { n: formatNumber(joins.expected_participants) }) : str("door_open");
    $("[data-door-state]").setAttribute("data-locked", joins.locked ? "true" : "false");
    var waiting = joins.n_waiting || 0;
    $("[data-mod-waiting]").hidden = !waiting || !!joins.locked;
    $("[data-waiting-text]").textContent = plural("waiting", waiting).split("{n}").join(formatNumber(waiting));
    $("[data-people]").hidden = view.ended || view.phase === "ended";
  }

  var removeManyDialog = $("[data-remove-many-dialog]");
  var peopleMessageNode = $("[data-people-message]");
  var peopleTimer = null;

  /* What happened at the door, said in the Participants card (and aloud). */
  function peopleMessage(text, kind) {
    peopleMessageNode.textContent = text || "";
    peopleMessageNode.setAttribute("data-kind", kind || "done");
    clearTimeout(peopleTimer);
    if (text) peopleTimer = setTimeout(function () { peopleMessageNode.textContent = ""; }, 10000);
  }

  /* The removal asked for in the form, or null (the seconds field is told why). */
  function removalAsked() {
    var silent = $("#remove-silent").checked;
    if (silent) return { payload: { never_answered: true }, kind: "silent", seconds: null };
    var field = $("[data-remove-seconds]");
    var error = $("[data-remove-error]");
    var seconds = Number(field.value);
    if (!(seconds >= 1 && seconds <= 86400 && Math.floor(seconds) === seconds)) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "remove-seconds-error");
      error.textContent = str("remove_seconds_invalid");
      error.hidden = false;
      field.focus();
      return null;
    }
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
    error.hidden = true;
    return { payload: { joined_within: seconds }, kind: "recent", seconds: seconds };
  }

  $("[data-remove-many-form]").addEventListener("submit", function (event) {
    event.preventDefault();
    var button = $("[data-remove-many]");
    if (button.getAttribute("aria-disabled") === "true" || !view.connected || view.busy) return;
    var asked = removalAsked();
    if (!asked) return;
    // Counted first: the dialog says how many, and the removal takes exactly them.
    command("remove_many", Object.assign({ preview: true }, asked.payload), 10000, function (ack) {
      if (!ack.n) {
        peopleMessage(str("remove_nobody"));
        return;
      }
      view.removingMany = { payload: asked.payload, as_of: ack.as_of, n: ack.n };
      var n = formatNumber(ack.n);
      $("[data-remove-many-title]").textContent = plural("remove_" + asked.kind + "_title", ack.n)
        .split("{n}").join(n).split("{seconds}").join(formatNumber(asked.seconds || 0));
      $("[data-remove-many-text]").textContent = str("remove_many_text");
      $("[data-remove-many-confirm]").textContent = plural("remove_many_button", ack.n).split("{n}").join(n);
      C.openDialog(removeManyDialog);
    });
  });

  removeManyDialog.addEventListener("close", function () {
    var asked = view.removingMany;
    var confirmed = removeManyDialog.returnValue === "remove";
    removeManyDialog.returnValue = "";
    view.removingMany = null;
    if (!asked) return;
    if (!confirmed) {
      $("[data-remove-many]").focus();
      return;
    }
    command("remove_many", Object.assign({ as_of: asked.as_of }, asked.payload), 10000, function (ack) {
      peopleMessage(plural("removed_many", ack.n).split("{n}").join(formatNumber(ack.n)));
      $("[data-remove-many]").focus();
    });
  });

  /* ---- a poll: its counts, for the record --------------------------------------- */

  function renderPoll() {
    var activity = view.activity;
    var result = view.results[activity.id] || {};
    var counts = result.counts || [];
    var list = $("[data-poll-results]");
    clear(list);
    (activity.options || []).forEach(function (option, index) {
      var row = el("li", "mod-poll__row");
      row.setAttribute("data-testid", "poll-row-" + index);
      var label = el("span", "mod-poll__label");
      label.appendChild(el("span", "mod-poll__letter", LETTERS.charAt(index)));
      label.appendChild(el("span", null, option));
      row.appendChild(label);
      row.appendChild(el("strong", "mod-poll__count", formatNumber(counts[index] || 0)));
      list.appendChild(row);
    });
    var n = result.n_answers || 0;
    $("[data-poll-answers]").textContent = formatNumber(n);
    $("[data-poll-answers-label]").textContent = plural("answers", n);
  }

  /* ---- a word cloud: moderation ------------------------------------------------- */

  /* The moderation view of the current word cloud; before the first "moderation"
     event, one made from the shown words of "results" (the server also accepts a
     displayed spelling as key). */
  function moderationOf(activity) {
    var data = view.moderation[activity.id];
    if (data) return data;
    var result = view.results[activity.id] || {};
    return {
      activity_id: activity.id,
      n_answers: result.n_answers || 0,
      groups: (result.words || []).map(function (pair) {
        return { key: String(pair[0]), display: String(pair[0]), count: pair[1], status: "shown", spellings: [], merged: [] };
      }),
      held: [],
      hidden: [],
      can_undo: false
    };
  }

  function sortedGroups(groups) {
    return groups.map(function (g, i) { return { g: g, i: i }; })
      .sort(function (a, b) { return (b.g.count || 0) - (a.g.count || 0) || a.i - b.i; })
      .map(function (x) { return x.g; });
  }

  function spellingText(group) {
    var spellings = group.spellings || [];
    if (spellings.length < 2 && !(group.merged && group.merged.length)) return "";
    return spellings.map(function (pair) { return pair[0] + " ×" + pair[1]; }).join(", ");
  }

  /* Rows are kept per word and updated in place (a click never lands on a row
     that was just rebuilt; focus stays on its button). */
  function keyedRows(list, items, build, update) {
    var byKey = {};
    Array.prototype.forEach.call(list.children, function (row) { byKey[row.getAttribute("data-key")] = row; });
    items.forEach(function (item, index) {
      var row = byKey[item.key];
      if (row) delete byKey[item.key];
      else row = build(item);
      update(row, item, index);
      if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
    });
    Object.keys(byKey).forEach(function (key) {
      var row = byKey[key];
      var hadFocus = row.contains(document.activeElement);
      list.removeChild(row);
      if (hadFocus) focusNear(list);
    });
  }

  /* The focused word left its list (released, merged...): keep focus nearby. */
  function focusNear(list) {
    var section = list.closest("section");
    var heading = section && section.querySelector("h2");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }

  function buildRow(item) {
    var row = el("li", "mod-row");
    row.setAttribute("data-key", item.key);
    var main = el("div", "mod-row__main");
    main.appendChild(el("span", "mod-row__word"));
    main.appendChild(el("span", "mod-row__count"));
    main.appendChild(el("span", "mod-badge"));
    main.appendChild(el("span", "mod-row__spellings"));
    row.appendChild(main);
    var actions = el("div", "mod-row__actions");
    var button = el("button", "button mod-action");
    button.type = "button";
    button.appendChild(el("span", "mod-action__label"));
    button.appendChild(el("span", "visually-hidden"));
    actions.appendChild(button);
    row.appendChild(actions);
    return row;
  }

  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

  function fillRow(row, item, status, action, label, testid, buttonClass) {
    var parts = row.firstChild.children;
    setText(parts[0], item.display);
    setText(parts[1], "×" + formatNumber(item.count));
    parts[2].className = "mod-badge mod-badge--" + status;
    setText(parts[2], status ? str("status_" + status) : "");
    parts[2].hidden = !status;
    var spellings = spellingText(item);
    setText(parts[3], spellings);
    parts[3].hidden = !spellings;
    row.className = "mod-row mod-row--" + (status || "held");
    if (status) row.setAttribute("data-status", status);
    var button = row.querySelector("button");
    button.className = "button mod-action " + buttonClass;
    button.setAttribute("data-testid", testid);
    button.setAttribute("data-do", action);
    button.setAttribute("data-word", item.key);
    setText(button.firstChild, label);
    setText(button.lastChild, " " + item.display);
  }

  var renderTimer = null;
  var lastRender = 0;
  /* Moderation events can come ten times a second: draw at most about three. */
  function scheduleModeration() {
    if (renderTimer) return;
    var wait = Math.max(0, lastRender + 300 - Date.now());
    renderTimer = setTimeout(function () {
      renderTimer = null;
      if (isWordCloud(view.activity) && view.phase === "activity") renderModeration();
    }, wait);
  }

  function renderModeration() {
    lastRender = Date.now();
    var activity = view.activity;
    var data = moderationOf(activity);
    var groups = sortedGroups(data.groups || []);
    var held = data.held || [];
    var hidden = data.hidden || [];
    var shown = groups.filter(function (g) { return g.status === "shown"; }).length;

    $("[data-testid='n-answers']").textContent = formatNumber(data.n_answers || 0);
    $("[data-entries-label]").textContent = plural("entries", data.n_answers || 0);
    $("[data-testid='n-words']").textContent = formatNumber(shown);
    $("[data-words-label]").textContent = plural("words", shown);
    $("[data-testid='n-held']").textContent = formatNumber(held.length);
    $("[data-testid='n-hidden']").textContent = formatNumber(hidden.length);
    $("[data-held-label]").textContent = plural("held", held.length);
    $("[data-hidden-label]").textContent = plural("hidden", hidden.length);
    $("[data-undo]").disabled = !data.can_undo || view.acting || !view.connected;

    // Held first: words the filter keeps off the screen.
    keyedRows($("[data-held-list]"), held, buildRow, function (row, item) {
      fillRow(row, item, "", "release", str("release"), "release-" + item.key, "button--secondary");
    });
    $("[data-held-empty]").hidden = held.length > 0;
    $("[data-testid='held']").classList.toggle("has-items", held.length > 0);

    // Every word, the most frequent first, with its status. A held word is shown
    // by releasing it; a hidden one by showing it again.
    keyedRows($("[data-group-list]"), groups, buildRow, function (row, group, index) {
      row.setAttribute("data-testid", "group-" + index);
      if (group.status === "shown") {
        fillRow(row, group, "shown", "hide", str("hide"), "hide-" + index, "button--ghost");
      } else {
        fillRow(row, group, group.status, group.status === "held" ? "release" : "show", str("show"), "show-" + index, "button--secondary");
      }
    });
    $("[data-groups-empty]").hidden = groups.length > 0;
    renderMerge(groups);
  }

  function fillSelect(select, groups) {
    // Left alone while nothing changed: an open list must not close under the finger.
    var signature = groups.map(function (g) { return g.key + "\u0000" + g.display + "\u0000" + g.count; }).join("\u0001");
    if (select.getAttribute("data-signature") === signature) return;
    select.setAttribute("data-signature", signature);
    var before = select.value;
    clear(select);
    var placeholder = el("option", null, str("merge_choose"));
    placeholder.value = "";
    select.appendChild(placeholder);
    groups.forEach(function (group) {
      var option = el("option", null, group.display + " (" + formatNumber(group.count) + ")");
      option.value = group.key;
      select.appendChild(option);
    });
    select.value = before;
    if (select.value !== before) select.value = "";
  }

  function renderMerge(groups) {
    fillSelect($("[data-merge-from]"), groups);
    fillSelect($("[data-merge-into]"), groups);
    $("[data-merge-form]").hidden = groups.length < 2;
  }

  function displayOf(key) {
    var activity = view.activity;
    if (!activity) return key;
    var data = moderationOf(activity);
    var all = (data.groups || []).concat(data.held || [], data.hidden || []);
    for (var i = 0; i < all.length; i++) if (all[i].key === key) return all[i].display;
    return key;
  }

  function moderate(payload, doneMessage) {
    if (view.acting || !view.connected || !view.activity) return;
    view.acting = true;
    payload.activity_id = view.activity.id;
    $("[data-undo]").disabled = true;
    socket.timeout(10000).emit(payload.action ? "moderate" : "undo", payload, function (err, ack) {
      view.acting = false;
      if (err) showMessage(str("no_answer"), "error");
      else if (!ack || !ack.ok) showMessage(T.errorText(ack && ack.error), "error");
      else {
        showMessage(doneMessage, "done");
        announce(doneMessage);
      }
      if (isWordCloud(view.activity)) renderModeration();
    });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-do]");
    if (!button || !root.contains(button)) return;
    var action = button.getAttribute("data-do");
    var key = button.getAttribute("data-word");
    var word = displayOf(key);
    moderate({ action: action, key: key }, str("done_" + action, { word: word }));
  });

  $("[data-undo]").addEventListener("click", function () {
    moderate({}, str("done_undo"));
  });

  $("[data-merge-form]").addEventListener("submit", function (event) {
    event.preventDefault();
    var from = $("[data-merge-from]").value;
    var into = $("[data-merge-into]").value;
    if (!from || !into || from === into) {
      showMessage(str("merge_pick_two"), "error");
      $("[data-merge-from]").focus();
      return;
    }
    var message = str("done_merge", { from: displayOf(from), into: displayOf(into) });
    $("[data-merge-from]").value = "";
    $("[data-merge-into]").value = "";
    moderate({ action: "merge", from: from, into: into }, message);
  });

  /* ---- remote control (controls.js) ------------------------------------------------ */

  var controls = window.LiveControls.create({
    root: root,
    view: view,
    activities: function () { return activities; },
    texts: T,
    announce: announce,
    renderPage: render,
    socket: function () { return socket; },
    failed: function (text) { showMessage(text, "error"); },
    timeAdded: function () { showMessage(str("time_added"), "done"); },
    podiumShown: function () { showMessage(str("podium_shown"), "done"); },
    joinsChanged: function () {
      renderPeople();
      peopleMessage(str(view.joins.locked ? "announce_locked" : "announce_unlocked"));
    },
    letIn: function () { peopleMessage(str("let_in_done")); },
    ending: function () { showMessage(str("ending")); },
    ended: function () { showMessage(""); },
    rendered: function () { root.classList.toggle("is-ended", view.ended || view.phase === "ended"); }
  });
  var renderControls = controls.render;
  var command = controls.command;

  /* ---- connection --------------------------------------------------------------- */

  var offlineBanner = $("[data-offline]");
  var fatalBanner = $("[data-fatal]");

  function setOffline(offline) {
    offlineBanner.hidden = !offline || view.fatal;
  }

  function showFatal(message) {
    view.fatal = true;
    offlineBanner.hidden = true;
    fatalBanner.hidden = false;
    $("[data-fatal-text]").textContent = message;
    renderControls();
  }

  var socket = window.LiveControls.connect({
    auth: { code: code, host_token: hostToken, lang: lang, view: "moderator" },
    view: view, texts: T, announce: announce, setOffline: setOffline, showFatal: showFatal, render: render,
    lost: function () { view.acting = false; }
  });

  socket.on("host_state", function (payload) {
    if (payload.activities) activities = C.normaliseActivities(payload.activities);
    if (payload.presence) view.presence = payload.presence;
    if (payload.joins) view.joins = payload.joins;
    renderPresence();
    if (payload.state) applyState(payload.state);
    renderPeople();
  });

  socket.on("joins", function (joins) {
    if (!joins) return;
    view.joins = joins;
    renderPeople();
    renderControls();
  });

  socket.on("state", applyState);

  socket.on("presence", function (presence) {
    view.presence = presence;
    renderPresence();
  });

  socket.on("results", function (result) {
    if (!result || !result.activity_id || controls.staleResults(result)) return;
    var current = view.activity && view.activity.id === result.activity_id ? view.activity : null;
    if (result.leaderboard) view.leaderboard = result.leaderboard;
    if (result.correct && current && !current.correct) current.correct = result.correct;
    view.results[result.activity_id] = result;
    var known = activityById(result.activity_id);
    if (known && result.status) known.status = result.status;
    if (view.activity && view.activity.id === result.activity_id) {
      if (result.status) view.activity.status = result.status;
      render();
    }
  });

  socket.on("moderation", function (data) {
    if (!data || !data.activity_id) return;
    view.moderation[data.activity_id] = data;
    if (view.activity && view.activity.id === data.activity_id && isWordCloud(view.activity)) scheduleModeration();
  });

  function applyState(state) {
    if (!state) return;
    if (state.title) $all("[data-title]").forEach(function (node) { node.textContent = state.title; });
    view.nActivities = state.n_activities;
    view.phase = state.phase;
    view.activity = state.activity || null;
    if (view.activity) {
      var known = activityById(view.activity.id);
      if (known) known.status = view.activity.status;
    }
    if (state.phase === "ended") view.ended = true;
    startClock(view.activity);
    render();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !socket.connected && !view.fatal) socket.connect();
  });

  renderPresence();
  render();
})();
