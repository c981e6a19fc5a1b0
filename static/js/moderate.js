/* live: the moderation page, on the facilitator's own laptop or phone.

   Connects like a host screen (view "moderator") and so receives what a host
   gets, plus what the kinds add (a word cloud's "moderation" events). Drives the
   session like the host screen (previous, open, close, next, end) with the same
   controls (controls.js; the kinds add theirs: a quiz's reveal). The panel of
   the activity on screen is its kind's (static/js/kinds/<name>.js, registered
   in kinds.js: a cloud's moderation, a quiz's counts), and so is the panel of
   the activity open beside it (a Q&A), shown below. What every kind shares
   stays here: the remote control, the Participants card (lock or unlock joins,
   let in the phones waiting beyond the expected size, remove many participants
   at once: counted first, then confirmed with that number) and the Players
   card of scored kinds (the standings, removing a player). Text typed by
   participants goes into the page with textContent only. */
(function () {
  "use strict";

  var root = document.getElementById("moderate");
  if (!root || typeof io !== "function") return;

  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";

  var C = window.LiveCommon, K = window.LiveKinds;
  var S = K.pageStrings(C.readJson("live-strings", {}));
  var T = C.texts(S, lang);

  var view = window.LiveControls.newView({
    acting: false,       // a kind's action (moderating a word) is on its way
    leaderboard: null,   // the last standings ("results".leaderboard of a scored kind)
    removing: null,      // the player the remove dialog asks about
    removingMany: null   // {payload, as_of, n}: what the remove-many dialog asks about
  });

  /* ---- helpers (common.js) ------------------------------------------------------- */

  var str = T.str, plural = T.plural, formatNumber = T.formatNumber, playerName = T.playerName;
  var el = C.el, clear = C.clear;
  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function indexOfActivity(id) { return C.indexOfActivity(view.activities, id); }
  function hasScored() { return view.activities.some(function (a) { return K.capability(a.type, "scored"); }); }

  var announce = C.announcer($("[data-announcer]"), 60);
  C.keepClearOf($("[data-shortlist-pick-bar]"));  // the chain's bar never covers what has the focus

  var messageNode = $("[data-message]");
  var messageTimer = null;
  function showMessage(text, kind) {
    messageNode.textContent = text || "";
    messageNode.setAttribute("data-kind", kind || "info");
    clearTimeout(messageTimer);
    if (text) messageTimer = setTimeout(function () { messageNode.textContent = ""; }, 10000);
  }

  /* ---- the kinds' parts (static/js/kinds/<name>.js): what each may use ---------- */

  var parts = K.parts("moderate", function (name) {
    return {
      name: name, C: C, T: C.texts(K.strings(name, S), lang), root: root, $: $, $all: $all, view: view,
      results: function (id) { return view.results[id]; }, announce: announce, say: showMessage,
      socket: function () { return socket; }, render: function () { render(); }
    };
  });
  function partOf(activity) { return K.partOf(parts, activity); }
  function eachPart(fn) { Object.keys(parts).forEach(function (name) { fn(parts[name]); }); }
  function textsOf(activity) { return partOf(activity).kit.T; }

  /* ---- what is on --------------------------------------------------------------- */

  /* Show the panels `names` (the activity on screen's, then the one beside it). */
  function showPanel(names) {
    names = [].concat(names);
    root.setAttribute("data-phase", names[0]);
    $all("[data-panel]").forEach(function (panel) {
      panel.hidden = names.indexOf(panel.getAttribute("data-panel")) === -1;
    });
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
    var kinds = textsOf(activity);
    var index = indexOfActivity(activity.id);
    // "Poll 2 of 3" when every activity is of a kind that numbers itself so, else "Activity 2 of 3".
    var numbered = kinds.S.n_of_m && view.activities.every(function (a) { return !a.type || a.type === activity.type; });
    number.textContent = (numbered ? kinds : T).str(numbered ? "n_of_m" : "activity_n_of_m", {
      n: index >= 0 ? index + 1 : activity.position + 1, m: view.activities.length || view.nActivities || 1
    });
    var key = ["open", "closed", "revealed"].indexOf(activity.status) >= 0 ? activity.status : "pending";
    status.className = "mstatus mstatus--" + key;
    status.setAttribute("data-state", key);
    status.textContent = kinds.str("status_" + key);
    prompt.textContent = activity.prompt || "";
  }

  function render() {
    if (view.phase === "ended" || view.ended) showPanel("ended");
    else if (view.phase === "activity" && view.activity) {
      var part = partOf(view.activity);
      var shown = [view.activity].concat(view.side ? [view.side] : []);
      showPanel(shown.map(function (activity) { return partOf(activity).panel(activity); }));
      part.render(view.activity, view.results[view.activity.id] || {});
      if (view.side) partOf(view.side).render(view.side, view.results[view.side.id] || {});
    } else showPanel("lobby");
    renderNow();
    renderPlayers();
    renderPeople();
    renderControls();
  }



  /* The standings with a Remove button each; rows are rebuilt only when they
     changed, and the focus goes back near its place. */
  function renderPlayers() {
    var section = $("[data-players]");
    section.hidden = !hasScored() || view.ended || view.phase === "ended";
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

  /* ---- remote control (controls.js; the kinds add theirs) ---------------------------- */

  // The chain (chain.js): a poll of the best entries, or of those ticked in the kind's panel.
  var chain = window.LiveChain.create({
    root: root, view: view, texts: T, announce: announce, say: showMessage,
    command: function (event, payload, timeout, done) { command(event, payload, timeout, done); }
  });
  var controls = window.LiveControls.create({
    root: root,
    view: view,
    texts: T,
    textsOf: textsOf,
    actions: Object.assign(K.merged(parts, "actions", chain.actions), chain.actions),
    announce: announce,
    renderPage: render,
    socket: function () { return socket; },
    failed: function (text) { showMessage(text, "error"); },
    said: function (text) { showMessage(text, "done"); },
    joinsChanged: function () {
      renderPeople();
      peopleMessage(str(view.joins.locked ? "announce_locked" : "announce_unlocked"));
    },
    letIn: function () { peopleMessage(str("let_in_done")); },
    ending: function () { showMessage(str("ending")); },
    ended: function () { showMessage(""); },
    rendered: function () {
      chain.render();
      root.classList.toggle("is-ended", view.ended || view.phase === "ended");
    }
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

  function renderPresence() {
    window.LiveControls.showPresence($("[data-presence-text]"), T, view.presence, "strong");
  }

  var socket = window.LiveControls.connect({
    root: root,
    auth: { code: root.getAttribute("data-code"), host_token: root.getAttribute("data-host-token"), lang: lang, view: "moderator" },
    view: view, texts: T, announce: announce, setOffline: setOffline, showFatal: showFatal, render: render,
    lost: function () { view.acting = false; },
    presence: renderPresence,
    joins: renderPeople,
    state: function () {
      eachPart(function (part) { part.state(view.activity); });
      if (view.side) partOf(view.side).state(view.side);
      render();
    },
    results: function (result) {
      if (result.leaderboard) view.leaderboard = result.leaderboard;
      if (view.activity && view.activity.id === result.activity_id) {
        if (result.status) view.activity.status = result.status;
        render();
      } else if (view.side && view.side.id === result.activity_id) {
        render();
      }
    },
    on: K.events(parts)  // the kinds' own (a cloud's "moderation")
  });

  renderPresence();
  render();
})();
