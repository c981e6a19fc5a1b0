/* live: the registry of the activity kinds' browser modules.

   Each kind has one module (static/js/kinds/<name>.js for live's own kinds, or
   its package's file for a kind added from outside, served at /kinds/<name>.js),
   loaded after this file and before the page script. It registers itself:

     LiveKinds.register(name, { host: function (kit) {...}, phone: ..., moderate: ... });

   Each part is made once per page with the page's `kit` and gives back the hooks
   it needs; a missing hook does what the fallback does (DEFAULTS below), so a
   kind with no module, or no part for a page, shows its prompt alone.

   Every kit holds name (the kind's), C (common.js), T (texts: the kind's own,
   data-kind-strings="<name>", over the page's), root, $ and $all (in the page),
   announce (announce.later queues). Plus, on each page:
   - host (host.js): view (phase, activity, activities, results...), results(id),
     indexOf(id), said(id) (what was announced about an activity), render(), fit(),
     command(event, payload, done) (a host command from the stage: a featured entry).
     Hooks: build(activity) when it comes on screen, clear() when another does,
     render(activity, result, nAnswers), fit(), describe(activity) (the line under
     the number), countdown(activity) (show the shared one; default: timed),
     announce(activity, before) (true: said, else the page says "open"/"closed"),
     tally(activity, result) (a sentence on new results, said now and then: default
     "12 answers"; null says nothing),
     screen() (a screen of its own over the activity: the podium), stateChanged(
     before, now, initial), rendered() (after the controls), actions, keys, on.
   - phone (participant.js): current(), side() (the activity open beside the one
     on screen, a Q&A, or null), phase(), given(id) (the values the server
     holds), queued(id), send(activity, value, event) (the outbox: an answer, or
     `event`, a kind's participant event that takes the same payload {activity_id,
     value, answer_id}: a date poll's "change"), post(activity, event, payload)
     (the outbox: a participant event whose payload is its own object, "ask",
     {activity_id, answer_id} added), results(id) (once shown), number(activity),
     clock (timed kinds), render(), command(event, payload, done) (an event beyond
     "answer", sent once, not kept: done(error or null, ack)). Hooks:
     screen(activity) (the section[data-screen] to show), render(activity),
     given(item, values) (the server already holds this queued answer),
     answered(item, ack, here), refused(item, error, here), announce(activity,
     before), welcome(welcome) (what a reload missed), overlay() (a screen over
     the activity: the final rank), ended() (a sentence for the end), forget(),
     sideLabel(activity) (the bar that leads to it while it runs beside the
     activity on screen: "Questions (12)"; default its prompt), on.
   - moderate (moderate.js): view, results(id), say(text, kind), socket(),
     render(). Hooks: panel(activity) (the data-panel to show), render(activity,
     result), state(activity) (a new state), actions, on. A kind that takes the
     host command "shortlist" (the chain, chain.js) draws a checkbox
     data-shortlist-pick="<entry id>" per entry in its panel: the console makes a
     poll of those ticked.
   actions: {name: {target(view, activities) -> what it acts on or null,
   shown(view, activities), pressed(view), local (usable offline), run(target,
   api: command(event, payload, timeout, done), said(text), render())}}, for
   buttons data-action="<name>" in the kind's partials; keys: {key: action};
   on: {event: handler} (the kind's own Socket.IO events). Texts the pages ask of
   a kind: status_open/closed/revealed, open_label, close_label, answers_one/
   _other, n_of_m, announce_open (host), announce_new, announce_results, sending,
   still_sending, queued (phone), error_<code> (refusals of its commands).

   LiveKinds.answeredOnce(kit, refused, confirmation, show, button) gives the phone
   hooks answered and refused of a kind answered once (poll, scale, ranking).

   The page holds, as JSON, the kinds' capabilities (id "live-kinds", from the
   server's registry): shared code asks them, never a kind's name. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var modules = {};
  var capabilities = null;

  function none() { return null; }
  function nothing() {}

  /* What a part does when its module leaves a hook out: the fallback. */
  var DEFAULTS = {
    host: function (kit) {
      return {
        build: nothing, clear: nothing, render: nothing, fit: nothing, stateChanged: nothing, rendered: nothing,
        describe: function () { return ""; },
        countdown: function (activity) { return !!capability(activity.type, "timed"); },
        announce: function () { return false; },
        // What to say of new results, now and then ("12 answers"); null: nothing
        // (a kind that says its own, as a word cloud's newest word).
        tally: function (activity, result) {
          var n = (result && result.n_answers) || 0;
          return n ? kit.T.formatNumber(n) + " " + kit.T.plural("answers", n) : null;
        },
        screen: none
      };
    },
    phone: function (kit) {
      return {
        screen: function () { return "kind-fallback"; },
        render: function (activity) { kit.$("[data-fallback-prompt]").textContent = activity.prompt || ""; },
        given: function (item, values) {
          if (!capability(item.type, "several_answers")) return values.length > 0;
          return values.some(function (v) { return JSON.stringify(v) === JSON.stringify(item.value); });
        },
        answered: nothing, refused: nothing, welcome: nothing, forget: nothing,
        announce: function () { return false; },
        sideLabel: function (activity) { return activity.prompt || ""; },
        overlay: none, ended: none
      };
    },
    moderate: function (kit) {
      return {
        panel: function () { return "kind-fallback"; },
        render: function (activity, result) {
          var n = (result && result.n_answers) || 0;
          kit.$("[data-fallback-answers]").textContent = kit.T.counted("n_answers", n);
        },
        state: nothing
      };
    }
  };

  function register(name, module) { modules[name] = module || {}; }

  function get(name) { return modules[name] || {}; }

  function capability(name, which) {
    if (!capabilities) capabilities = C.readJson("live-kinds", {});
    return (capabilities[name] || {})[which];
  }

  /* The kinds this server knows (with or without a module), in registry order. */
  function names() {
    if (!capabilities) capabilities = C.readJson("live-kinds", {});
    return Object.keys(capabilities);
  }

  /* A kind's translated texts over the page's own (`base`). */
  function strings(name, base) {
    var node = document.querySelector("script[data-kind-strings='" + name + "']");
    var own = {};
    if (node) {
      try { own = JSON.parse(node.textContent); } catch (e) { own = {}; }
    }
    return Object.assign({}, base, own);
  }

  /* The page's texts with every kind's error messages added (a host command
     refused by the server is said by the page's shared path). */
  function pageStrings(base) {
    var all = {};
    names().forEach(function (name) {
      var own = strings(name, {});
      Object.keys(own).forEach(function (key) { if (key.indexOf("error_") === 0) all[key] = own[key]; });
    });
    return Object.assign(all, base);
  }

  /* Every known kind's part for `page` ("host", "phone", "moderate"), by name,
     made with makeKit(name); an unknown name gets the fallback (see partOf). */
  function parts(page, makeKit) {
    var made = {};
    names().concat([""]).forEach(function (name) {
      var kit = makeKit(name);
      var factory = name ? get(name)[page] : null;
      made[name] = Object.assign({ kit: kit, actions: {}, keys: {}, on: {} }, DEFAULTS[page](kit), factory ? factory(kit) : {});
    });
    return made;
  }

  function partOf(made, activity) {
    return (activity && made[activity.type]) || made[""];
  }

  /* The parts' `field` ("actions", "keys") in one map: a name in `taken` (the
     page's own), or one an earlier kind took, is left out. */
  function merged(made, field, taken) {
    var all = {};
    Object.keys(made).forEach(function (name) {
      var own = made[name][field] || {};
      Object.keys(own).forEach(function (key) {
        if (!(key in all) && !(taken && key in taken)) all[key] = own[key];
      });
    });
    return all;
  }

  /* Every part's own events as [event, handler] pairs (several kinds may hear one). */
  function events(made) {
    var pairs = [];
    Object.keys(made).forEach(function (name) {
      Object.keys(made[name].on || {}).forEach(function (event) { pairs.push([event, made[name].on[event]]); });
    });
    return pairs;
  }

  /* The phone hooks `answered` and `refused` of a kind answered once (a poll, a
     scale, a ranking): the ack is announced and the confirmation focused; a refusal
     locks the activity when it was already answered or is closed, and is said under
     the form (`show(text)`), the focus back on `button()` when it is still there.
     `refused` is the kind's map of activities the server refused as answered. */
  function answeredOnce(kit, refused, confirmation, show, button) {
    return {
      answered: function (sent, ack, here) {
        kit.announce(kit.T.str("announce_recorded"));
        if (here) confirmation.focus();
      },
      refused: function (sent, error, here) {
        if (error.code === "already_answered") refused[sent.activity_id] = true;
        if (error.code === "closed" && here) kit.current().status = "closed";
        kit.render();
        if (!here) return;  // an old answer sent again: nothing to show
        show(kit.T.errorText(error));
        var retry = button && button();
        if (retry && !retry.hidden) retry.focus();
      }
    };
  }

  window.LiveKinds = {
    register: register, get: get, names: names, capability: capability, strings: strings,
    pageStrings: pageStrings, parts: parts, partOf: partOf, merged: merged, events: events,
    answeredOnce: answeredOnce
  };
})();
