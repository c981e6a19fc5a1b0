/* live: the session's remote control, shared by the host screen (host.js) and
   the moderation console (moderate.js).

   The buttons carry data-action (previous, open, close, next, end; joins: lock
   or unlock joins; admit: let in the phones waiting beyond the expected size;
   side: show the activity open beside the one on screen, a Q&A, over it (the
   host screen's own, a `local` action) and close_side: close that one),
   plus the actions the kinds add (a quiz's reveal, a cloud's list view: see
   kinds.js); which ones are usable follows the current activity and view.joins
   (the last "joins": locked, expected_participants, n_waiting).
   Each page passes what differs (how it shows messages, what it does once the
   session ended) as hooks. A plain script loaded after common.js and kinds.js:
   it defines window.LiveControls. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var SHARED = ["open", "close", "next", "previous", "end", "joins", "admit", "side", "close_side"];

  /* The controls of one page. `page` holds:
       root, view (phase, activity, activities: the programme, connected, ended, busy,
       fatal; busy and ended are set here), texts (LiveCommon.texts),
       textsOf(activity) the texts of its kind (open_label, close_label), announce,
       renderPage(), socket() (the page's Socket.IO client), failed(text) to show an
       error, actions: the kinds' actions by name ({target(view, activities) -> what
       it acts on or null, shown(view, activities), pressed(view), local: usable
       offline, run(target, api)}), and optional hooks: succeeded(), said(text) for
       what an action did, local (action -> function: page-only actions such as the
       QR code), ending(), ended(), rendered(), joinsChanged(ack) after a lock or
       unlock, letIn(ack) after "let them in". */
  function create(page) {
    var root = page.root;
    var view = page.view;
    var str = page.texts.str;
    var actions = {};  // the kinds' own: never one of the shared actions nor a page's local one
    Object.keys(page.actions || {}).forEach(function (name) {
      if (SHARED.indexOf(name) === -1 && !(page.local && page.local[name])) actions[name] = page.actions[name];
    });
    var endDialog = root.querySelector("[data-end-dialog]");
    var archiveUrl = root.getAttribute("data-archive-url");

    function $(selector) { return root.querySelector(selector); }
    function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
    function hook(name) {
      if (typeof page[name] !== "function") return undefined;
      return page[name].apply(null, Array.prototype.slice.call(arguments, 1));
    }

    /* What each action would act on now (an activity, true), or null when it cannot. */
    function targets() {
      var activities = view.activities;
      var current = view.activity;
      var index = current ? C.indexOfActivity(activities, current.id) : -1;
      var live = view.connected && !view.ended && view.phase !== "ended" && !view.busy && !view.fatal;
      var t = {};
      if (current && index >= 0) {
        // A revealed question cannot be asked again (the server refuses it).
        t.open = current.status !== "open" && current.status !== "revealed" ? current : null;
        t.close = current.status === "open" ? current : null;
        t.next = activities[index + 1] || null;
        t.previous = index > 0 ? activities[index - 1] : null;
      } else {
        t.open = activities[0] || null;
        t.close = null;
        t.next = activities[0] || null;
        t.previous = null;
      }
      t.end = true;
      var joins = view.joins || {};
      t.joins = true;
      t.admit = joins.n_waiting > 0 && !joins.locked ? true : null;
      // The activity open beside the one on screen (state.side).
      t.side = view.side || null;
      t.close_side = view.side || null;
      Object.keys(t).forEach(function (k) { if (!live) t[k] = null; });
      Object.keys(actions).forEach(function (name) {
        t[name] = live || actions[name].local ? actions[name].target(view, activities) || null : null;
      });
      return t;
    }

    /* The buttons as the state allows: disabled, labelled, shown or not. */
    function render() {
      var t = targets();
      $all("[data-action]").forEach(function (button) {
        var action = button.getAttribute("data-action");
        if (!(action in t)) return;
        button.setAttribute("aria-disabled", t[action] ? "false" : "true");
      });
      var joinsButton = $("[data-action='joins']");
      if (joinsButton) {
        var locked = !!(view.joins && view.joins.locked);
        joinsButton.setAttribute("data-locked", locked ? "true" : "false");
        $("[data-joins-label]").textContent = str(locked ? "unlock_joins" : "lock_joins");
      }
      renderSide();
      var nextLabel = $("[data-next-label]");
      if (nextLabel) nextLabel.textContent = view.activity ? str("next") : str("start");
      var subject = page.textsOf(view.activity || t.open || view.activities[0]);
      $("[data-open-label]").textContent = subject.str("open_label");
      $("[data-close-label]").textContent = subject.str("close_label");
      var focused = document.activeElement;
      // The kinds' buttons show only where they mean something (Show answer: not after the reveal).
      Object.keys(actions).forEach(function (name) {
        var button = $("[data-action='" + name + "']");
        if (!button) return;
        if (actions[name].shown) button.hidden = !actions[name].shown(view, view.activities);
        if (actions[name].pressed) button.setAttribute("aria-pressed", actions[name].pressed(view) ? "true" : "false");
      });
      hook("rendered");
      // A button that just went away (Show answer after the reveal) hands the focus on:
      // to the next kind's button beside it still shown (the podium), else to Next.
      if (focused && focused.hidden && focused.hasAttribute("data-action")) {
        var onward = $all("[data-action]").filter(function (button) {
          return button.parentNode === focused.parentNode && !button.hidden && actions[button.getAttribute("data-action")];
        })[0];
        (onward || $("[data-action='next']")).focus();
      }
    }

    /* "Open beside: <prompt>", with its Close button, while an activity runs
       beside the one on screen (a Q&A); hidden otherwise. */
    function renderSide() {
      $all("[data-side-chip]").forEach(function (chip) { chip.hidden = !view.side; });
      $all("[data-side-prompt]").forEach(function (node) { node.textContent = view.side ? view.side.prompt || "" : ""; });
    }

    /* Send a host command; the controls wait (busy) until the server answers. */
    function command(event, payload, timeout, done) {
      view.busy = true;
      render();
      page.socket().timeout(timeout).emit(event, payload, function (err, ack) {
        view.busy = false;
        if (err) {
          page.failed(str("no_answer"));
        } else if (!ack || !ack.ok) {
          page.failed(page.texts.errorText(ack && ack.error));
        } else {
          hook("succeeded");
          if (done) done(ack);
        }
        render();
      });
    }

    /* What a kind's action may do: send a command, say what it did, draw again. */
    var api = {
      command: command,
      said: function (text) { hook("said", text); },
      render: function () { page.renderPage(); }
    };

    function run(action) {
      if (page.local && page.local[action]) return page.local[action]();
      var t = targets();
      if (!t[action]) return;
      if (actions[action]) return actions[action].run(t[action], api);
      if (action === "end") return C.openDialog(endDialog);
      if (action === "close") return command("close", { activity_id: t.close.id }, 10000);
      if (action === "close_side") return command("close", { activity_id: t.close_side.id }, 10000);
      if (action === "side") return;  // the host screen's own (page.local)
      if (action === "joins") {
        var locking = !(view.joins && view.joins.locked);
        return command(locking ? "lock_joins" : "unlock_joins", {}, 10000, function (ack) {
          view.joins = Object.assign({}, view.joins, { locked: locking });
          hook("joinsChanged", ack);
        });
      }
      if (action === "admit") return command("admit_waiting", {}, 10000, function (ack) { hook("letIn", ack); });
      command("open", { activity_id: t[action].id }, 10000);
    }

    /* End the session (once confirmed), giving participants the summary link when
       the box says so; the summary links then point to its archive. */
    function endSession() {
      hook("ending");
      var share = $("[data-share-summary]");
      command("end", share ? { share_with_participants: share.checked } : {}, 60000, function (ack) {
        view.ended = true;
        if (ack.archive_url) {
          // Same origin on purpose: the facilitator is signed in here, maybe not
          // on the public address the server printed.
          try {
            var url = new URL(ack.archive_url, window.location.href);
            archiveUrl = url.pathname + url.search;
          } catch (e) { /* keep the page's own link */ }
        }
        $all("[data-archive-link]").forEach(function (a) { a.setAttribute("href", archiveUrl); });
        page.announce(str("announce_ended"));
        page.renderPage();
        hook("ended", ack);
      });
    }

    if (endDialog) {
      endDialog.addEventListener("close", function () {
        if (endDialog.returnValue === "end") endSession();
        endDialog.returnValue = "";
      });
    }
    $all("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-disabled") === "true") return;
        run(button.getAttribute("data-action"));
      });
    });

    return { targets: targets, render: render, command: command, run: run, endDialog: endDialog };
  }

  /* True for `results` computed just before a reveal that arrive after it: a
     revealed activity never goes back (fresh results follow). */
  function staleResults(view, result) {
    if (result.status === "revealed") return false;
    var current = view.activity && view.activity.id === result.activity_id ? view.activity : null;
    var known = C.activityById(view.activities, result.activity_id);
    return !!((current && current.status === "revealed") || (known && known.status === "revealed"));
  }

  /* The host-side connection of a page (projector or console): Socket.IO with
     backoff and jitter; a restart's "server disconnect" and a `rate_limited`
     refusal are retried (socket.io retries neither by itself); any other refusal
     is for good. It keeps `view` up to date with the session (connected,
     everConnected, busy; activities, phase, activity, ended, presence, joins,
     results by activity id) and tells the page: `page` holds root, auth, view,
     texts, announce, setOffline(offline), showFatal(text), render() (the
     controls), and the hooks presence(changed), joins(), state(before, initial),
     results(result), optional `on` ([event, handler] pairs: the kinds' own events)
     and lost() for what the page resets when the connection drops. */
  function connect(page) {
    var view = page.view;
    var str = page.texts.str;
    var socket = io({ auth: page.auth, reconnectionDelayMax: 5000, randomizationFactor: 0.5 });

    socket.on("connect", function () {
      view.connected = true;
      page.setOffline(false);
      if (view.everConnected) page.announce(str("online"));
      view.everConnected = true;
      page.render();
    });

    socket.on("disconnect", function (reason) {
      view.connected = false;
      view.busy = false;
      if (typeof page.lost === "function") page.lost();
      if (reason === "io client disconnect") return;
      page.setOffline(true);
      page.announce(str("offline"));
      page.render();
      if (reason === "io server disconnect") socket.connect();
    });

    socket.on("connect_error", function (err) {
      var data = err && err.data;
      if (data && data.code === "rate_limited") {
        page.setOffline(true);
        setTimeout(function () { if (!socket.connected) socket.connect(); }, 3000 + Math.random() * 4000);
        return;
      }
      if (data && data.code) {
        var known = str("error_" + data.code);
        page.showFatal(known !== "error_" + data.code ? known : (data.message || err.message));
        return;
      }
      page.setOffline(true);
    });

    function applyState(state, initial) {
      if (!state) return;
      var before = view.activity;
      if (state.title) {
        Array.prototype.forEach.call(page.root.querySelectorAll("[data-title]"), function (node) { node.textContent = state.title; });
      }
      view.nActivities = state.n_activities;
      view.phase = state.phase;
      view.activity = state.activity || null;
      var sideBefore = view.side;
      view.side = state.side || null;  // an activity open beside the one on screen (a Q&A)
      var sideKnown = view.side && C.activityById(view.activities, view.side.id);
      if (sideKnown) sideKnown.status = view.side.status;
      // No longer beside, and not on screen either: it was closed.
      var gone = sideBefore && !view.side && !(view.activity && view.activity.id === sideBefore.id);
      var goneKnown = gone && C.activityById(view.activities, sideBefore.id);
      if (goneKnown && state.phase !== "lobby") goneKnown.status = "closed";
      var known = view.activity && C.activityById(view.activities, view.activity.id);
      if (known) known.status = view.activity.status;
      if (state.phase === "ended") view.ended = true;
      page.state(before, initial);
    }

    socket.on("host_state", function (payload) {
      if (payload.activities) view.activities = C.normaliseActivities(payload.activities);
      if (payload.presence) view.presence = payload.presence;
      if (payload.joins) view.joins = payload.joins;
      page.presence(false);
      if (payload.state) applyState(payload.state, true);
      page.joins();
    });
    socket.on("joins", function (joins) {
      if (!joins) return;
      view.joins = joins;
      page.joins();
      page.render();
    });
    socket.on("presence", function (presence) {
      view.presence = presence;
      page.presence(true);
    });
    socket.on("state", function (state) { applyState(state, false); });
    socket.on("results", function (result) {
      if (!result || !result.activity_id || staleResults(view, result)) return;
      view.results[result.activity_id] = result;
      var known = C.activityById(view.activities, result.activity_id);
      if (known) {
        known.n_answers = result.n_answers;
        if (result.status) known.status = result.status;
      }
      page.results(result);
    });
    (page.on || []).forEach(function (pair) { socket.on(pair[0], pair[1]); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && !socket.connected && !view.fatal) socket.connect();
    });
    return socket;
  }

  /* The state of the session a host-side page follows (connect keeps it up to
     date), with the page's own fields in `own`. */
  function newView(own) {
    return Object.assign({
      activities: C.normaliseActivities(C.readJson("live-activities", [])),  // the programme
      phase: "lobby",
      activity: null,       // the activity on screen, as in the last "state"
      side: null,           // the activity open beside it (state.side), if any
      results: {},          // activity id -> last "results" payload
      presence: { n_participants: 0, n_connected: 0 },
      joins: { locked: false, expected_participants: null, n_waiting: 0 },  // the last "joins"
      connected: false, everConnected: false, ended: false, busy: false, fatal: false
    }, own);
  }

  /* "{connected} connected · {joined} joined" in `node`, the numbers in `tag`s. */
  function showPresence(node, T, presence, tag) {
    var connected = C.el(tag, null, T.formatNumber(presence.n_connected));
    connected.setAttribute("data-testid", "n-connected");
    var joined = C.el(tag, null, T.formatNumber(presence.n_participants));
    joined.setAttribute("data-testid", "n-joined");
    C.fillTemplate(node, T.str("presence"), { connected: connected, joined: joined });
  }

  window.LiveControls = { create: create, connect: connect, newView: newView, showPresence: showPresence };
})();
