/* live: the registry of the activity kinds' browser modules.

   Each kind has one module (static/js/kinds/<name>.js for live's own kinds, or
   its package's file for a kind added from outside), loaded after this file and
   before the page script. It registers itself by name:

     LiveKinds.register(name, { host: function (kit) {...}, phone: ..., moderate: ... });

   Each part is made once per page with the page's `kit` (its texts, helpers and
   shared actions: see the page scripts) and gives back the hooks it needs;
   every missing hook does what the fallback does, so a kind with no module, or
   a module with no part for a page, shows its prompt alone. The hooks and the
   kit are listed in docs/ACTIVITY_KINDS.md.

   The page holds, as JSON: the kinds' capabilities (id "live-kinds", from the
   server's registry: shared code asks them, never a kind's name) and each
   kind's translated texts (data-kind-strings="<name>", from its partials). */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var modules = {};
  var capabilities = null;

  function none() { return null; }
  function nothing() {}

  /* What a part does when its module leaves a hook out: the fallback. */
  var DEFAULTS = {
    host: function () {
      return {
        build: nothing, clear: nothing, render: nothing, fit: nothing, stateChanged: nothing, rendered: nothing,
        describe: function () { return ""; },
        countdown: function (activity) { return !!capability(activity.type, "timed"); },
        announce: function () { return false; },
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

  window.LiveKinds = {
    register: register, get: get, names: names, capability: capability, strings: strings,
    pageStrings: pageStrings, parts: parts, partOf: partOf
  };
})();
