/*
 * Editor code shared by the dialogs of node-red-contrib-stream-processing.
 *
 * Node-RED serves this file at resources/node-red-contrib-stream-processing/stream-editor.js and
 * loads it before any node definition of the package runs (each node's .html names it in a
 * <script src>). Every node file names it so that each one still works when installed or enabled
 * alone; the guard below keeps the first definition when the file runs more than once.
 *
 * What lives here is what the event, window, time, output and limits settings have in common across
 * nodes: their form rows, defaults with validators, TypedInputs, the context-store picker, the
 * show/hide rules and the label helpers. A node file keeps only what is specific to it.
 *
 * scripts/demo/build-examples.js also runs this file, with a stand-in jQuery, to read the dialogs'
 * defaults: registering must need nothing from the DOM beyond $.extend and RED.nodes.registerType.
 *
 * Every validator declares (v, opt): Node-RED shows a returned string as the reason beside the red
 * field only for two-parameter validators; from a one-parameter one, a string counts as valid.
 */
(function () {
  "use strict";
  if (window.streamProcessingEditor) return;

  var MODULE = "node-red-contrib-stream-processing";
  // Durations as the runtime's duration parser takes them: units summed (1h30m) or bare milliseconds.
  var DURATION = /^\s*(?:(?:\d+(?:\.\d+)?|\.\d+)\s*(?:ms|s|m|h|d|w)\s*)+$|^\s*\d+(?:\.\d+)?\s*$/i;
  var UNIT_MS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 };

  // Which window types use a window field; elsewhere the field is hidden and not validated.
  var WINDOW_FIELDS = {
    calendar: ["tumbling"], timeZone: ["tumbling"], shifts: ["tumbling"],
    size: ["tumbling", "sliding"], offset: ["tumbling", "sliding"], slide: ["sliding"],
    gap: ["session"], maxDuration: ["session"], count: ["global"], overlap: ["global"], flushEvery: ["global"]
  };

  // The standard rows of each section, in dialog order; "@name" in a spec means heading + these rows.
  var SECTIONS = {
    event: ["keyProperty", "valueProperty", "timeMode", "timeProperty"],
    window: ["windowType", "size", "offset", "slide", "gap", "maxDuration", "count", "overlap", "flushEvery", "bounds"],
    time: ["maxOutOfOrder", "watermarkScope", "allowedLateness", "idleTimeout", "lateData", "maxFutureSkew", "futureData"],
    output: ["emit", "earlyEvery"],
    limits: ["maxKeys", "maxEventsPerWindow", "store"]
  };

  // Where the event properties may come from, as TypedInput types; the runtime accepts the same.
  // Event time is part of each event: a context or environment value would stamp every one alike.
  var SOURCES = {
    keyProperty: ["msg", "flow", "global", "env", "jsonata"],
    valueProperty: ["msg", "flow", "global", "env", "jsonata"],
    timeProperty: ["msg", "jsonata"]
  };
  // Nodes whose runtime reads some of them as msg paths only: each aggregation names its own msg
  // property (the value is their default path).
  var MSG_ONLY = {
    "stream-aggregate": ["valueProperty"]
  };
  // What the text field of a property asks for, by source; msg keeps the row's own placeholder.
  var SOURCE_HINTS = {
    flow: "context property, e.g. site", global: "context property, e.g. site", env: "variable, e.g. SITE",
    jsonata: { keyProperty: "e.g. payload.site", valueProperty: "e.g. payload.raw / 10", timeProperty: "e.g. payload.ts * 1000" }
  };
  // A result message keeps its key, window and id in these: a result cannot go there.
  var RESULT_PARTS = ["topic", "window", "_msgid"];

  // How each shared field looks in the dialog.
  var ROWS = {
    keyProperty: { icon: "key", typed: true, placeholder: "topic (empty = one key)" },
    valueProperty: { icon: "hashtag", typed: true, placeholder: "" },
    timeMode: { icon: "clock-o", options: ["auto", "event", "processing"] },
    timeProperty: { icon: "calendar", typed: true, placeholder: "timestamp (empty = arrival time)" },
    outputProperty: { icon: "sign-out", typed: true, placeholder: "payload" },
    windowType: { icon: "columns", options: ["none", "tumbling", "sliding", "session", "global"] },
    calendar: { icon: "calendar-o", options: ["none", "day", "week", "shifts"] },
    timeZone: { icon: "globe", placeholder: "UTC, or e.g. Europe/Berlin" },
    shifts: { icon: "clock-o", placeholder: "06:00,14:00,22:00" },
    size: { icon: "arrows-h", placeholder: "e.g. 1m" },
    offset: { icon: "long-arrow-right", placeholder: "0" },
    slide: { icon: "step-forward", placeholder: "event, or a duration e.g. 1m" },
    gap: { icon: "pause", placeholder: "e.g. 30s" },
    maxDuration: { icon: "hourglass-end", placeholder: "none" },
    count: { icon: "list-ol", placeholder: "empty = until flushed" },
    overlap: { icon: "clone", placeholder: "0" },
    flushEvery: { icon: "refresh", placeholder: "never" },
    bounds: { icon: "exchange", options: ["[start,end)", "(start,end]"], plain: { "[start,end)": "[start, end)", "(start,end]": "(start, end]" } },
    maxOutOfOrder: { icon: "random", placeholder: "0" },
    watermarkScope: { icon: "clock-o", options: ["stream", "key"] },
    allowedLateness: { icon: "history", placeholder: "0" },
    idleTimeout: { icon: "hourglass-half", placeholder: "never" },
    lateData: { icon: "reply", options: ["drop", "output", "update", "adjust"] },
    maxFutureSkew: { icon: "fast-forward", placeholder: "1h (off = no check)" },
    futureData: { icon: "ban", options: ["reject", "clamp"] },
    emit: { icon: "sign-out", options: ["final", "update", "early"] },
    earlyEvery: { icon: "repeat", placeholder: "e.g. 10s" },
    maxKeys: { icon: "key", placeholder: "10000" },
    maxEventsPerWindow: { icon: "list", placeholder: "no limit" },
    store: { icon: "database", options: [] }
  };

  function blank(v) { return v === undefined || v === null || String(v).trim() === ""; }

  function perEventSlide(v) { return blank(v) || String(v).trim() === "event"; }

  // Calendar windows (days, weeks, shifts in a time zone) have no size or offset of their own.
  function calendarOn(node) { var c = S.field(node, "calendar"); return !!c && c !== "none"; }

  function escapeAttr(s) {
    return String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function expandSpec(spec) {
    var out = [];
    String(spec).trim().split(/\s+/).forEach(function (token) {
      if (token.charAt(0) === "@") {
        out.push("#" + token.slice(1));
        SECTIONS[token.slice(1)].forEach(function (f) { out.push(f); });
      } else if (token) {
        out.push(token);
      }
    });
    return out;
  }

  var S = {
    WINDOW_FIELDS: WINDOW_FIELDS,
    SECTIONS: SECTIONS,

    /** The value a dialog shows for a property while it is open, else the node's saved value. */
    field: function (node, name) {
      var el = $("#node-input-" + name);
      return el.length ? el.val() : node[name];
    },

    /** Milliseconds of a duration ("1h30m", "500ms", "250"), or NaN when it is not one. */
    durationMs: function (v) {
      var text = String(v === undefined || v === null ? "" : v).trim().toLowerCase();
      if (!DURATION.test(text)) return NaN;
      if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
      var total = 0;
      text.replace(/(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)/g, function (all, n, unit) { total += Number(n) * UNIT_MS[unit]; return ""; });
      return total;
    },

    /** Why a duration is not usable ("" when it is); opts.required, opts.zero (0 allowed), opts.min (ms). */
    durationProblem: function (v, opts) {
      opts = opts || {};
      v = blank(v) ? "" : String(v).trim();
      if (v === "") return opts.required ? "required, e.g. " + (opts.example || "10s") : "";
      if (!DURATION.test(v)) return "use a duration like 500ms, 10s, 5m, 1h30m or milliseconds";
      if (!opts.zero && !/[1-9]/.test(v)) return "must be longer than 0";
      if (opts.min !== undefined && S.durationMs(v) < opts.min) return "at least " + opts.min + "ms";
      return "";
    },

    /** A validator for a duration field: true, or the reason Node-RED shows beside the red field. */
    duration: function (opts) {
      return function (v, opt) { var p = S.durationProblem(v, opts); return p ? p : true; };
    },

    /** A validator for an optional whole number in [opts.min, opts.max]. */
    integer: function (opts) {
      return function (v, opt) {
        if (blank(v)) return true;
        var n = Number(v);
        var ok = /^\s*\d+\s*$/.test(String(v)) && n >= opts.min && (opts.max === undefined || n <= opts.max);
        return ok || ("a whole number " + (opts.max === undefined ? "of at least " + opts.min : "from " + opts.min + " to " + opts.max) + ", or empty");
      };
    },

    /** A validator for a whole number from min to max as Number() reads it; empty passes when optional. */
    wholeNumber: function (min, max, optional) {
      return function (v, opt) {
        if ((v === "" || v === undefined || v === null) && optional) return true;
        var n = Number(v);
        return (String(v).trim() !== "" && Math.floor(n) === n && n >= min && n <= max) ||
          ("a whole number from " + min + " to " + max + (optional ? ", or empty" : ""));
      };
    },

    /** A validator for an optional number from min to max (a whole one when `integer`). */
    number: function (min, max, integer) {
      return function (v, opt) {
        if (v === "" || v === undefined || v === null) return true;
        var n = Number(v);
        return (isFinite(n) && n >= min && n <= max && (!integer || Math.floor(n) === n)) ||
          ("a " + (integer ? "whole " : "") + "number from " + min + " to " + max + ", or empty");
      };
    },

    /**
     * Wraps a validator so that a field may name an environment variable instead, `${NAME}` (Node-RED
     * fills it in) or `${NAME:-default}` (the runtime uses the default when NAME is not set; the
     * default is checked).
     */
    orEnv: function (validator) {
      return function (v, opt) {
        var m = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-(.*))?\}$/.exec(String(v === undefined || v === null ? "" : v).trim());
        if (!m) return validator.call(this, v, opt);
        return m[1] === undefined || validator.call(this, m[1], opt);
      };
    },

    /** A validator for a setting with a fixed set of values. */
    oneOf: function (list) {
      return function (v, opt) { return list.indexOf(v) >= 0 || "one of " + list.join(", "); };
    },

    /** The window type a node uses: its windowType field, else the one its type names (window nodes). */
    windowTypeOf: function (node) {
      var wt = S.field(node, "windowType");
      if (wt !== undefined && wt !== null && wt !== "") return wt;
      var m = /^stream-(\w+)-window$/.exec((node && node.type) || "");
      return m ? m[1] : undefined;
    },

    /** A validator for slide: "event" (per-event sliding) or a duration no longer than the size, as the runtime requires. */
    slide: function () {
      return function (v, opt) {
        if (perEventSlide(v)) return true;
        var p = S.durationProblem(v, { required: true });
        if (p) return 'use "event" or ' + p;
        var size = S.field(this, "size");
        if (S.durationMs(v) > S.durationMs(size)) return "must not be longer than the size (" + String(size).trim() + "); for gaps between windows use a tumbling window";
        return true;
      };
    },

    /** A validator for offset: shorter than the slide of hopping windows, else than the size (the runtime's rule). */
    offset: function () {
      return function (v, opt) {
        var p = S.durationProblem(v, { zero: true });
        if (p || blank(v)) return p || true;
        var ms = S.durationMs(v);
        if (S.windowTypeOf(this) === "sliding") {
          var slide = S.field(this, "slide");
          // Per-event windows ignore offset: the dialog hides it and nothing is checked.
          if (perEventSlide(slide)) return true;
          return ms < S.durationMs(slide) || !(S.durationMs(slide) > 0) || "must be shorter than the slide (" + String(slide).trim() + ")";
        }
        var size = S.field(this, "size");
        return ms < S.durationMs(size) || !(S.durationMs(size) > 0) || "must be shorter than the size (" + String(size).trim() + ")";
      };
    },

    /** A validator for a session's max length: empty, or at least the gap. */
    maxDuration: function () {
      return function (v, opt) {
        var p = S.durationProblem(v, {});
        if (p || blank(v)) return p || true;
        var gap = S.field(this, "gap");
        return !(S.durationMs(v) < S.durationMs(gap)) || "must be at least the gap (" + String(gap).trim() + "), or empty for no limit";
      };
    },

    /** A validator for a count window's overlap: a whole number smaller than the count. */
    overlap: function () {
      var whole = S.integer({ min: 0 });
      return function (v, opt) {
        var p = whole.call(this, v, opt);
        if (p !== true || blank(v) || Number(v) === 0) return p;
        var count = S.field(this, "count");
        if (blank(count)) return "needs a count: windows without one have nothing to overlap";
        return Number(v) < Number(count) || "must be smaller than the count (" + String(count).trim() + ")";
      };
    },

    /** The constructs a linear-time (RE2) regex rule cannot run, as the node says at deploy ("" when none). */
    unsupportedRegex: function (pattern) {
      var inClass = false;
      for (var i = 0; i < pattern.length; i++) {
        var c = pattern[i];
        if (c === "\\") {
          var next = pattern[i + 1] || "";
          if (!inClass && ((next >= "1" && next <= "9") || (next === "k" && pattern[i + 2] === "<"))) return "backreferences";
          i++;
        } else if (inClass) { if (c === "]") inClass = false; }
        else if (c === "[") inClass = true;
        else if (c === "(" && /^\(\?(=|!|<=|<!)/.test(pattern.slice(i))) return "lookahead/lookbehind";
      }
      return "";
    },

    /** Why a regex rule cannot run ("" when it can): a pattern, valid, without what RE2 refuses. */
    regexProblem: function (r) {
      var literal = /^\/([\s\S]+)\/([a-z]*)$/.exec(r.value || "");
      var pattern = literal ? literal[1] : r.value;
      if (!pattern) return "regex needs a pattern";
      if (!literal && r.value2 && !/^[dgimsuy]*$/.test(r.value2)) return "regex flags are letters among d g i m s u y (e.g. i), not " + JSON.stringify(r.value2);
      try { new RegExp(pattern, ((literal ? literal[2] : r.value2) || "").replace(/[gy]/g, "")); } catch (e) { return "invalid regular expression"; }
      var construct = S.unsupportedRegex(pattern);
      return construct ? "regex " + construct + " cannot be used (linear-time engine: no backreferences, no lookahead or lookbehind)" : "";
    },

    /** Why a filter-language rule { property, op, value, value2 } cannot run ("" when it can); filter and sequence steps share it. */
    ruleProblem: function (r) {
      var given = function (x) { return x !== "" && x !== undefined && x !== null; };
      var num = function (x) { return x !== "" && x !== undefined && !isNaN(Number(x)); };
      if (r.op === "between" && !(given(r.value) && given(r.value2) && num(r.value) === num(r.value2))) return "between needs two numbers (or two texts)";
      if (["gt", "gte", "lt", "lte", "eq", "neq", "contains"].indexOf(r.op) >= 0 && !given(r.value)) return r.op + " needs a value";
      if (r.op === "regex") { var bad = S.regexProblem(r); if (bad) return bad; }
      if (r.op === "jsonata") { if (!r.value) return "jsonata needs an expression"; try { jsonata(r.value); } catch (e) { return "invalid JSONata"; } }
      return "";
    },

    /** Why a duration that may be negative ("-30s", interval join bounds) is not usable ("" when it is). */
    signedDurationProblem: function (v, opts) {
      return S.durationProblem(String(v === undefined || v === null ? "" : v).replace(/^\s*-/, ""), $.extend({ zero: true }, opts));
    },

    /** Milliseconds of a duration that may be negative. */
    signedDurationMs: function (v) {
      var text = String(v === undefined || v === null ? "" : v).trim();
      return text.charAt(0) === "-" ? -S.durationMs(text.slice(1)) : S.durationMs(text);
    },

    /** Wraps a validator so it only applies while the node's window type is one of `types`. */
    when: function (types, validator, active) {
      return function (v, opt) {
        if (active && !active(this)) return true;
        var wt = S.field(this, "windowType");
        if (wt !== undefined && wt !== "" && types.indexOf(wt) < 0) return true;
        return validator.call(this, v, opt);
      };
    },

    /**
     * A validator for an event property read from msg, flow, global, env or JSONata (its type in
     * `<name>Type`): an expression must parse, a context or variable needs a name, a msg path must
     * be one; `required` for a msg path that may not be empty.
     */
    sourceProperty: function (name, required) {
      return function (v, opt) {
        var type = S.field(this, name + "Type") || "msg";
        var text = blank(v) ? "" : String(v).trim();
        if (type === "jsonata") {
          if (!text) return "a JSONata expression is required";
          try { jsonata(text); return true; } catch (e) { return "invalid JSONata: " + e.message; }
        }
        if (type === "flow" || type === "global") return !!text || "a context property name is required";
        if (type === "env") return !!text || "an environment variable name is required";
        if (!text) return !required || "required, e.g. payload";
        var path = text.replace(/^msg\./, "");
        return !RED.utils || !RED.utils.validatePropertyExpression || RED.utils.validatePropertyExpression(path) || "not a message property; e.g. payload.temperature";
      };
    },

    /** A validator for outputProperty: a msg path other than the result's topic, window and _msgid. */
    outputProperty: function (v, opt) {
      var path = blank(v) ? "payload" : String(v).trim().replace(/^msg\./, "");
      var first = path.split(/[.\[]/)[0];
      if (RESULT_PARTS.indexOf(first) >= 0) return "msg." + first + " carries the result's " + (first === "topic" ? "key" : first === "window" ? "window" : "message id") + "; choose another property, e.g. payload or result";
      return !RED.utils || !RED.utils.validatePropertyExpression || RED.utils.validatePropertyExpression(path) || "not a message property; e.g. payload or result";
    },

    /** A validator for an optional JSONata expression. */
    jsonata: function (v, opt) {
      if (blank(v)) return true;
      try { jsonata(v); return true; } catch (e) { return "invalid JSONata: " + e.message; }
    },

    /**
     * The defaults of the shared fields named in `spec` (field names and "@section"s, as in the
     * template), in that order, followed by or merged with `extra`. opts.windowed(node) says whether
     * the node uses its own window at all (window fields are not validated when it does not).
     */
    defaults: function (spec, extra, opts) {
      opts = opts || {};
      var w = function (f, validator) { return S.when(WINDOW_FIELDS[f], validator, opts.windowed); };
      var common = {
        name: { value: "" },
        keyProperty: { value: "topic", validate: S.sourceProperty("keyProperty") },
        // Saved flows have no types: msg, as they read before.
        keyPropertyType: { value: "msg" },
        valueProperty: { value: "payload", required: true, validate: S.sourceProperty("valueProperty", true) },
        valuePropertyType: { value: "msg" },
        // New nodes forgive a missing time property; flows saved without timeMode keep event time (see prepare).
        timeMode: { value: "auto" },
        timeProperty: { value: "timestamp", validate: S.sourceProperty("timeProperty") },
        timePropertyType: { value: "msg" },
        outputProperty: { value: "payload", validate: S.outputProperty },
        windowType: { value: "none" },
        calendar: { value: "none", validate: function (v, opt) { return blank(v) || S.oneOf(["none", "day", "week", "shifts"])(v, opt); } },
        timeZone: { value: "", validate: w("timeZone", function (v, opt) {
          if (!calendarOn(this) || blank(v)) return true;
          try { new Intl.DateTimeFormat("en-US", { timeZone: String(v).trim() }); return true; } catch (e) { return "an IANA time zone such as Europe/Berlin or America/New_York"; }
        }) },
        shifts: { value: "06:00,14:00,22:00", validate: w("shifts", function (v, opt) {
          if (S.field(this, "calendar") !== "shifts") return true;
          var list = String(v || "").split(/[\s,;]+/).filter(Boolean);
          return (list.length > 0 && list.every(function (t) { var m = /^(\d{1,2}):(\d{2})$/.exec(t); return m && Number(m[1]) < 24 && Number(m[2]) < 60; })) ||
            "shift start times as HH:MM, e.g. 06:00,14:00,22:00";
        }) },
        size: { value: "1m", validate: w("size", function (v, opt) { return calendarOn(this) || S.duration({ required: true, example: "1m" }).call(this, v, opt); }) },
        offset: { value: "", validate: w("offset", function (v, opt) { return calendarOn(this) || S.offset().call(this, v, opt); }) },
        slide: { value: "event", validate: w("slide", S.slide()) },
        gap: { value: "30s", validate: w("gap", S.duration({ required: true, example: "30s" })) },
        maxDuration: { value: "", validate: w("maxDuration", S.maxDuration()) },
        count: { value: "", validate: w("count", S.integer({ min: 1 })) },
        overlap: { value: "", validate: w("overlap", S.overlap()) },
        flushEvery: { value: "", validate: w("flushEvery", S.duration({})) },
        bounds: { value: "[start,end)" },
        maxOutOfOrder: { value: "", validate: S.duration({ zero: true }) },
        // Flows saved before the setting existed have none: the runtime then keeps one watermark for the stream.
        watermarkScope: { value: "stream", validate: function (v, opt) { return blank(v) || S.oneOf(["stream", "key"])(v, opt); } },
        allowedLateness: { value: "", validate: S.duration({ zero: true }) },
        idleTimeout: { value: "", validate: S.duration({ zero: true }) },
        lateData: { value: "drop" },
        emit: { value: "final" },
        earlyEvery: { value: "10s", validate: function (v, opt) { return S.field(this, "emit") !== "early" || S.duration({ required: true }).call(this, v, opt); } },
        // Empty is the runtime's default of 10000 keys, never unlimited: memory stays bounded.
        maxKeys: { value: "", validate: S.integer({ min: 1, max: 1000000 }) },
        // Flows saved before these settings existed get the runtime's defaults (1h, reject).
        maxFutureSkew: { value: "", validate: function (v, opt) { return String(v).trim().toLowerCase() === "off" || S.duration({ zero: true }).call(this, v, opt); } },
        futureData: { value: "reject" },
        maxEventsPerWindow: { value: "", validate: S.integer({ min: 1 }) },
        store: { value: "" }
      };
      var out = {};
      expandSpec(spec).forEach(function (f) {
        if (f.charAt(0) === "#") return;
        if (!common[f]) throw new Error("stream editor: no shared field " + f);
        out[f] = common[f];
        if (SOURCES[f]) out[f + "Type"] = common[f + "Type"];
      });
      Object.keys(extra || {}).forEach(function (f) { out[f] = $.extend({}, out[f], extra[f]); });
      return out;
    },

    /** The form rows (and headings) of `spec` for node `type`, as HTML. */
    rows: function (type, spec, plain) {
      return expandSpec(spec).map(function (f) {
        if (f.charAt(0) === "#") {
          var g = f.slice(1);
          return '<div class="form-row stream-heading stream-group-' + g + '"><b><span data-i18n="' + type + ".label." + g + '"></span></b></div>';
        }
        if (f === "name") {
          return '<div class="form-row stream-row-name"><label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="node-red:common.label.name"></span></label>' +
            '<input type="text" id="node-input-name" data-i18n="[placeholder]node-red:common.label.name" style="width:70%"></div>';
        }
        var r = ROWS[f];
        if (!r) throw new Error("stream editor: no shared row " + f);
        var id = "node-input-" + f;
        var html = '<div class="form-row stream-row-' + f + '"><label for="' + id + '"><i class="fa fa-' + r.icon + '"></i> <span data-i18n="' + type + ".label." + f + '"></span></label>';
        if (r.options) {
          html += '<select id="' + id + '" style="width:70%">' + r.options.map(function (o) {
            var text = plain && r.plain && plain.indexOf(f) >= 0;
            return '<option value="' + escapeAttr(o) + '"' + (text ? ">" + escapeAttr(r.plain[o]) : ' data-i18n="' + type + ".option." + f + "." + escapeAttr(o) + '">') + "</option>";
          }).join("") + "</select>";
        } else {
          html += '<input type="text" id="' + id + '" placeholder="' + escapeAttr(r.placeholder) + '" style="width:70%">';
          if (r.typed) html += '<input type="hidden" id="' + id + 'Type">';
        }
        return html + "</div>";
      }).join("\n");
    },

    /**
     * Replaces each <div data-stream-rows="spec"></div> in the template of `type` by its rows, once,
     * before the first dialog opens (Node-RED copies the template into every dialog).
     * data-stream-plain="bounds" shows those options' values instead of translated labels.
     */
    expandTemplate: function (type) {
      var script = $('script[data-template-name="' + type + '"]');
      if (!script.length || script.attr("data-stream-expanded")) return;
      var tpl = document.createElement("template");
      tpl.innerHTML = script.text();
      $(tpl.content).find("[data-stream-rows]").each(function () {
        var plain = (this.getAttribute("data-stream-plain") || "").split(/\s+/);
        $(this).replaceWith(S.rows(type, this.getAttribute("data-stream-rows"), plain));
      });
      script.text(tpl.innerHTML).attr("data-stream-expanded", "true");
    },

    /** Registers a node type with the look every stream node shares; `def` wins where it says more. */
    register: function (type, def) {
      S.expandTemplate(type);
      RED.nodes.registerType(type, $.extend({
        category: "stream",
        color: "#87c1e3",
        inputs: 1,
        outputs: 1,
        icon: type + ".svg",
        labelStyle: S.labelStyle,
        inputLabels: function () { return this._(type + ".input"); }
      }, def));
    },

    /**
     * Registers a window node of `windowType` whose window is set by `fields` (e.g. "size offset");
     * `def` adds the node's label and anything else of its own (def.defaults merges into the defaults).
     */
    registerWindow: function (type, windowType, fields, def) {
      var own = $.extend({}, def);
      delete own.defaults;
      S.register(type, $.extend({
        defaults: S.defaults("name @event " + fields + " bounds @time @output outputProperty @limits", $.extend({ outputs: { value: 1 } }, def.defaults)),
        paletteLabel: windowType + " window",
        outputLabels: S.outputLabels(["windows", "late"]),
        oneditprepare: function () { S.prepare(this, { windowType: windowType }); },
        // Count windows have no watermark, so nothing is late: never a port for it.
        oneditsave: function () { this.outputs = windowType !== "global" && S.latePort() ? 2 : 1; }
      }, own));
    },

    /**
     * TypedInputs for the property fields present in the open dialog: msg for most, the sources
     * the runtime of `nodeType` reads for key, value and time (see SOURCES and MSG_ONLY).
     */
    typedInputs: function (names, nodeType) {
      var msgOnly = MSG_ONLY[nodeType] || [];
      (names || ["keyProperty", "valueProperty", "timeProperty", "outputProperty"]).forEach(function (f) {
        var el = $("#node-input-" + f);
        var types = SOURCES[f] && msgOnly.indexOf(f) < 0 ? SOURCES[f] : ["msg"];
        if (!el.length) return;
        el.typedInput({ types: types, typeField: "#node-input-" + f + "Type" });
        if (types.length < 2) return;
        var hint = function () {
          var type = el.typedInput("type");
          var h = SOURCE_HINTS[type];
          el.next(".red-ui-typedInput-container").find("input.red-ui-typedInput-input")
            .attr("placeholder", type === "msg" || !h ? ROWS[f].placeholder : typeof h === "string" ? h : h[f]);
        };
        el.on("change", hint);
        hint();
      });
    },

    /**
     * The broker of a connector. `onadd` picks the only config node of `type` when there is exactly
     * one, so a new node works at once; `prepare` (in oneditprepare) names the empty choice
     * "Add new <type>…", as Node-RED does when none exists, instead of its red "none".
     */
    brokerField: {
      onadd: function (type, prop) {
        return function () {
          if (this[prop]) return;
          var found = [];
          RED.nodes.eachConfig(function (c) { if (c.type === type) found.push(c.id); });
          if (found.length === 1) this[prop] = found[0];
        };
      },
      prepare: function (type, prop) {
        var label = RED._("editor.addNewType", { type: type });
        // Node-RED fills the select after oneditprepare, and again after a config node was added or edited.
        var rename = function () { $("#node-input-" + prop + ' option[value="_ADD_"]').text(label); };
        $("#node-input-" + prop).on("change", rename);
        setTimeout(rename, 0);
      }
    },

    /** Fills a context-store picker: memory only, each configured store, and a missing saved one. */
    fillStores: function (select, value, label) {
      select.empty();
      $("<option>").val("").text(label).appendTo(select);
      var stores = (RED.settings.context && RED.settings.context.stores) || [];
      stores.forEach(function (s) { $("<option>").val(s).text(s).appendTo(select); });
      if (value && stores.indexOf(value) < 0) $("<option>").val(value).text(value + " (not configured)").appendTo(select);
      select.val(value || "");
    },

    /**
     * Shows the rows that window type `wt` uses ("none" or empty: no own window) and hides the rest,
     * including rows the runtime ignores in the chosen slide and time mode.
     */
    showWindowRows: function (wt) {
      var windowed = !!wt && wt !== "none";
      var timeMode = $("#node-input-timeMode");
      var eventTime = !timeMode.length || timeMode.val() !== "processing";
      // Per-event sliding windows are (end - size, end], fire once each and have no panes to offset.
      var perEvent = wt === "sliding" && perEventSlide($("#node-input-slide").val());
      // Count windows close on count or flush, never on the watermark: no bounds, no lateness.
      var watermarked = windowed && wt !== "global" && eventTime;
      Object.keys(WINDOW_FIELDS).forEach(function (f) { $(".stream-row-" + f).toggle(windowed && WINDOW_FIELDS[f].indexOf(wt) >= 0); });
      $(".stream-row-offset").toggle(windowed && WINDOW_FIELDS.offset.indexOf(wt) >= 0 && !perEvent);
      $(".stream-row-bounds").toggle((wt === "tumbling" || wt === "sliding") && !perEvent);
      // In processing time the arrival time is the watermark: nothing is out of order or late.
      $(".stream-group-time, .stream-row-maxOutOfOrder, .stream-row-watermarkScope, .stream-row-lateData, .stream-row-maxFutureSkew, .stream-row-futureData").toggle(watermarked);
      $(".stream-row-allowedLateness").toggle(watermarked && !perEvent);
      $(".stream-row-idleTimeout").toggle(windowed && eventTime);
      $(".stream-row-emit").toggle(windowed && !perEvent);
      // A window node's result property stays under its heading when emit does not apply.
      $(".stream-group-output").toggle((windowed && !perEvent) || $(".stream-group-output ~ .stream-row-outputProperty").length > 0);
      $(".stream-group-limits, .stream-row-maxKeys, .stream-row-maxEventsPerWindow, .stream-row-store").toggle(windowed);
      $(".stream-row-earlyEvery").toggle(windowed && !perEvent && $("#node-input-emit").val() === "early");
      $(".stream-row-timeProperty").toggle(eventTime);
      var calendar = $("#node-input-calendar");
      if (calendar.length && wt === "tumbling") {
        var unit = calendar.val();
        var on = !!unit && unit !== "none";
        $(".stream-row-size, .stream-row-offset, .stream-row-bounds").toggle(!on);
        $(".stream-row-timeZone").toggle(on);
        $(".stream-row-shifts").toggle(unit === "shifts");
      }
    },

    /**
     * The shared part of oneditprepare: TypedInputs, the store picker, and show/hide that follows
     * windowType, emit and timeMode. opts.windowType fixes the type (window nodes);
     * opts.windowTypeOf() computes it (a node whose window also depends on other fields);
     * opts.refresh runs after the shared rules; opts.on lists more fields that trigger a refresh.
     */
    prepare: function (node, opts) {
      opts = opts || {};
      S.typedInputs(undefined, node.type);
      // A node saved before "auto" existed has no timeMode and runs in event time: show (and keep) that.
      if (node.timeMode === undefined && $("#node-input-timeMode").length) $("#node-input-timeMode").val("event");
      if ($("#node-input-store").length) S.fillStores($("#node-input-store"), node.store, node._(node.type + ".option.memoryOnly"));
      var refresh = function () {
        var wt = opts.windowType || (opts.windowTypeOf ? opts.windowTypeOf() : $("#node-input-windowType").val());
        S.showWindowRows(wt);
        if (opts.refresh) opts.refresh(wt);
      };
      var on = ["windowType", "emit", "timeMode", "slide", "calendar"].concat(opts.on || []);
      $(on.map(function (f) { return "#node-input-" + f; }).join(", ")).on("change", refresh);
      refresh();
      return refresh;
    },

    /** Whether the dialog being saved asks for a late-events port. */
    latePort: function () {
      var wt = $("#node-input-windowType");
      var tm = $("#node-input-timeMode");
      // Processing-time windows never see a late event, so they need no port for them.
      return (!wt.length || wt.val() !== "none") && (!tm.length || tm.val() !== "processing") && $("#node-input-lateData").val() === "output";
    },

    /** The last segment of a property path: "payload.temperature" → "temperature". */
    lastSegment: function (path) {
      return String(path || "payload").split(/[.\[\]"]+/).filter(Boolean).pop();
    },

    /** The window a processor runs on its own, for its label: "tumbling 1m", "every 10"; "" for none. */
    windowLabel: function (node) {
      switch (node.windowType) {
        case "tumbling": return "tumbling " + node.size;
        case "sliding": return "sliding " + node.size + (node.slide && node.slide !== "event" ? "/" + node.slide : "");
        case "session": return "session " + node.gap;
        case "global": return node.count ? "every " + node.count : "global";
        default: return "";
      }
    },

    /** A processor's label suffix for its own window: " · tumbling 1m". */
    windowSuffix: function (node) {
      var w = S.windowLabel(node);
      return w ? " · " + w : "";
    },

    labelStyle: function () { return this.name ? "node_label_italic" : ""; },

    /** outputLabels for ports named in the node's catalog (<type>.output.<name>); the last name repeats. */
    outputLabels: function (names) {
      return function (i) { return this._(this.type + ".output." + names[Math.min(i, names.length - 1)]); };
    }
  };

  window.streamProcessingEditor = S;

  // One stylesheet for every dialog of the package.
  if (!document.getElementById("stream-editor-css")) {
    $('<link rel="stylesheet" id="stream-editor-css">').attr("href", (RED.settings.apiRootUrl || "") + "resources/" + MODULE + "/stream-editor.css").appendTo("head");
  }
})();
