/**
 * The dashboard's script (served as /dashboard.js): plain browser
 * JavaScript, no framework, nothing fetched from elsewhere. It keeps the API
 * key in sessionStorage (this tab only), calls the same /v1 API as any
 * client, builds every row with textContent, shows backtest reports in a
 * sandboxed srcdoc frame and polls deployments every second.
 */
export const DASHBOARD_SCRIPT = `"use strict";
(function () {
  var KEY_SLOT = "ringfence.key";
  var state = { key: null, who: null, strategies: [], auditChain: null, reportJob: null };
  function $(id) { return document.getElementById(id); }

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "className") e.className = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c !== null && c !== undefined) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }
  function td(text, cls) { return el("td", { text: text === null || text === undefined ? "–" : String(text), className: cls || "" }); }

  function fixed(v, decimals) {
    if (typeof v !== "number" || !isFinite(v)) return "–";
    if (!decimals) return String(v);
    var neg = v < 0, s = String(Math.abs(v));
    while (s.length <= decimals) s = "0" + s;
    return (neg ? "-" : "") + s.slice(0, -decimals) + "." + s.slice(-decimals);
  }
  function short(h) { return h ? h.slice(0, 12) : ""; }

  function call(method, path, body, raw) {
    var headers = { authorization: "Bearer " + state.key };
    var init = { method: method, headers: headers };
    if (body instanceof ArrayBuffer) { headers["content-type"] = "application/wasm"; init.body = body; }
    else if (body !== undefined) { headers["content-type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      if (raw && r.ok) return r.text();
      return r.json().then(function (j) {
        if (!r.ok) {
          var err = new Error(j && j.error ? j.error.message : "HTTP " + r.status);
          err.status = r.status; err.body = j;
          throw err;
        }
        return j;
      });
    });
  }

  function show(id, text, bad) { var e = $(id); e.textContent = text; e.className = "result" + (bad ? " error" : ""); }

  // ---- login ---------------------------------------------------------------
  function login(key) {
    state.key = key;
    return call("GET", "/v1/whoami").then(function (who) {
      state.who = who;
      sessionStorage.setItem(KEY_SLOT, key);
      $("login").hidden = true;
      $("app").hidden = false;
      $("logout").hidden = false;
      $("who").textContent = who.role + " · tenant " + who.tenant + " · key " + who.keyId;
      document.body.dataset.role = who.role;
      var quant = who.role === "quant", risk = who.role === "risk";
      Array.prototype.forEach.call(document.querySelectorAll(".quant-only"), function (n) { n.hidden = !quant; });
      Array.prototype.forEach.call(document.querySelectorAll(".risk-only"), function (n) { n.hidden = !risk; });
      refreshAll();
    });
  }
  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("login-error").textContent = "";
    login($("key").value.trim()).catch(function (e) { $("login-error").textContent = e.message; state.key = null; });
  });
  $("logout").addEventListener("click", function () { sessionStorage.removeItem(KEY_SLOT); location.reload(); });

  // ---- strategies ----------------------------------------------------------
  function refreshStrategies() {
    return call("GET", "/v1/strategies").then(function (j) {
      state.strategies = j.strategies;
      var body = $("strategy-table").tBodies[0];
      body.textContent = "";
      j.strategies.forEach(function (s) {
        body.appendChild(el("tr", { "data-code-id": s.codeId },
          td(s.name), el("td", { className: "hash", title: s.codeId, text: short(s.codeId) }), td(s.tenant), td(s.source), td(s.sizeBytes, "num"), td("")));
      });
      ["bt-strategy", "dp-strategy"].forEach(function (id) {
        var sel = $(id), keep = sel.value;
        sel.textContent = "";
        j.strategies.forEach(function (s) { sel.appendChild(el("option", { value: s.codeId, text: s.name + " (" + short(s.codeId) + ")" })); });
        if (keep) sel.value = keep;
      });
    });
  }
  $("upload-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = $("upload-file").files[0];
    if (!f) { show("upload-result", "choose a .wasm file first", true); return; }
    show("upload-result", "uploading…");
    f.arrayBuffer().then(function (buf) {
      return call("POST", "/v1/strategies?name=" + encodeURIComponent($("upload-name").value), buf);
    }).then(uploaded, uploadFailed);
  });
  $("compile-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    show("upload-result", "compiling…");
    call("POST", "/v1/strategies", { source: $("upload-source").value, name: $("compile-name").value }).then(uploaded, uploadFailed);
  });
  function uploaded(s) {
    show("upload-result", (s.existing ? "already registered: " : "admitted: ") + s.name + " " + s.codeId);
    $("upload-result").dataset.codeId = s.codeId;
    refreshStrategies();
    showAudit(state.auditChain);
  }
  function uploadFailed(e) {
    showAudit(state.auditChain);
    var reasons = e.body && e.body.error && e.body.error.reasons ? " [" + e.body.error.reasons.map(function (r) { return r.code; }).join(", ") + "]" : "";
    show("upload-result", "rejected: " + e.message + reasons, true);
  }

  // ---- backtests -----------------------------------------------------------
  function refreshBacktests() {
    return call("GET", "/v1/backtests").then(function (j) {
      var body = $("backtest-table").tBodies[0];
      body.textContent = "";
      j.backtests.forEach(function (b) {
        var s0 = b.summary && b.summary.strategies[0];
        var view = b.status === "done" ? el("button", { type: "button", className: "view-report", "data-id": b.id, text: "Report", onclick: function () { openReport(b.id); } }) : null;
        body.appendChild(el("tr", { "data-id": b.id, "data-status": b.status },
          el("td", { className: "hash", text: b.id }), td(b.tenant), td(b.status, "status-" + b.status),
          td(b.codeIds.map(short).join(", ")), td(b.dataset.events + " ev, seed " + b.dataset.seed),
          td(s0 ? fixed(s0.pnl, s0.pnlDecimals) : (b.error ? b.error.message : null), "num"), el("td", null, view)));
      });
    });
  }
  $("backtest-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var req = { codeIds: [$("bt-strategy").value], dataset: { events: Number($("bt-events").value), seed: Number($("bt-seed").value), instruments: Number($("bt-instruments").value) } };
    show("backtest-result", "submitting…");
    call("POST", "/v1/backtests", req).then(function (j) {
      show("backtest-result", "queued " + j.id);
      $("backtest-result").dataset.id = j.id;
      refreshBacktests();
    }, function (e) { show("backtest-result", e.message, true); });
  });
  function openReport(id) {
    call("GET", "/v1/backtests/" + id + "/html", undefined, true).then(function (html) {
      state.reportJob = id;
      $("report").hidden = false;
      $("report-title").textContent = "Report " + id;
      // A sandboxed srcdoc frame: the report's own markup, no script, no same-origin access.
      $("report-frame").srcdoc = html;
    }, function (e) { show("backtest-result", e.message, true); });
  }

  // ---- deployments ---------------------------------------------------------
  function canHalt(d) { return state.who.role === "risk" || (state.who.role === "quant" && state.who.tenant === d.tenant); }
  function refreshDeployments() {
    return call("GET", "/v1/deployments").then(function (j) {
      var body = $("deployment-table").tBodies[0];
      body.textContent = "";
      j.deployments.forEach(function (d) {
        var l = d.live, f = d.final;
        var pnl = l ? fixed(l.pnl, l.pnlDecimals) : f ? fixed(f.pnl, f.pnlDecimals) : null;
        var halt = d.status === "running" && canHalt(d)
          ? el("button", { type: "button", className: "halt", "data-id": d.id, text: "Halt", onclick: function () { haltDeployment(d.id); } }) : null;
        var audit = el("button", { type: "button", className: "show-audit", text: "Audit", onclick: function () { showAudit("deployment=" + d.id); } });
        body.appendChild(el("tr", { "data-id": d.id, "data-status": d.status },
          el("td", { className: "hash", text: d.id }), td(d.name), td(d.tenant), td(d.status, "status-" + d.status),
          td(l ? l.eventsPublished : f ? f.events : null, "num"), td(l ? l.position : f ? f.position : null, "num"),
          td(pnl, "num pnl" + (pnl && pnl.charAt(0) === "-" ? " neg" : "")), td(l ? l.fills : f ? f.fills : null, "num"),
          td(l ? l.workingOrders : f ? f.workingAfter : null, "num"),
          td(l && l.tickToOrderUs.samples ? l.tickToOrderUs.p50 + " / " + l.tickToOrderUs.p99 : null, "num"),
          td(l ? l.ringLag + " (" + l.maxRingLag + ")" : null, "num"), el("td", null, halt, " ", audit)));
      });
    });
  }
  $("deploy-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var req = { codeId: $("dp-strategy").value, feed: { ratePerSec: Number($("dp-rate").value) }, limits: { maxPositionLots: Number($("dp-maxpos").value) } };
    call("POST", "/v1/deployments", req).then(function (d) { show("deploy-result", "deployed " + d.id); refreshDeployments(); },
      function (e) { show("deploy-result", e.message, true); });
  });
  function haltDeployment(id) {
    show("deploy-result", "halting " + id + "…");
    call("POST", "/v1/deployments/" + id + "/halt").then(function (d) {
      show("deploy-result", "halted " + id + ": " + d.final.workingAtHalt + " working orders cancelled");
      refreshDeployments();
      showAudit("deployment=" + id);
    }, function (e) { show("deploy-result", e.message, true); });
  }
  function kill(body) {
    call("POST", "/v1/kill", body).then(function (j) { show("deploy-result", "kill switch " + j.engaged + " engaged; halted " + j.halted.length); refreshAll(); },
      function (e) { show("deploy-result", e.message, true); });
  }
  $("kill-tenant-btn").addEventListener("click", function () { kill({ tenant: $("kill-tenant").value }); });
  $("kill-global-btn").addEventListener("click", function () { kill({ global: true }); });
  $("release-btn").addEventListener("click", function () {
    var t = $("kill-tenant").value;
    call("POST", "/v1/kill/release", t ? { tenant: t } : { global: true }).then(function (j) { show("deploy-result", (j.released ? "released " : "was not engaged: ") + j.scope); refreshSwitches(); },
      function (e) { show("deploy-result", e.message, true); });
  });
  function refreshSwitches() {
    if (state.who.role === "quant") return Promise.resolve();
    return call("GET", "/v1/kill").then(function (j) {
      $("switches").textContent = j.switches.length ? "engaged: " + j.switches.map(function (s) { return s.scope; }).join(", ") : "no kill switch engaged";
    });
  }

  // ---- audit ---------------------------------------------------------------
  function showAudit(query) {
    state.auditChain = query;
    return call("GET", "/v1/audit?limit=50" + (query ? "&" + query : "")).then(function (a) {
      $("audit-chain").textContent = a.chain + ": " + a.count + " entries (latest " + a.entries.length + " shown), head " + short(a.head);
      var st = $("audit-status");
      st.textContent = a.verification.ok ? "chain verified" : "chain BROKEN at entry " + a.verification.firstBroken.index + ": " + a.verification.firstBroken.reason;
      st.className = a.verification.ok ? "ok" : "broken";
      var body = $("audit-table").tBodies[0];
      body.textContent = "";
      a.entries.slice().reverse().forEach(function (e) {
        body.appendChild(el("tr", null, td(e.seq, "num"), td(e.call), td(e.eventIndex, "num"), td(e.args.join(" ")), td(e.result, "num"), td(e.detail, "detail")));
      });
    });
  }

  function refreshAll() {
    return Promise.all([refreshStrategies(), refreshBacktests(), refreshDeployments(), refreshSwitches(), showAudit(state.auditChain)]).catch(function (e) {
      if (e.status === 401) { sessionStorage.removeItem(KEY_SLOT); location.reload(); }
    });
  }
  // Deployments and jobs every second; the audit chain (verified end to end on each read) every fifth.
  var polls = 0;
  setInterval(function () {
    if (!state.who) return;
    refreshDeployments().catch(function () {});
    refreshBacktests().catch(function () {});
    if (++polls % 5 === 0) showAudit(state.auditChain).catch(function () {});
  }, 1000);

  var saved = sessionStorage.getItem(KEY_SLOT);
  if (saved) login(saved).catch(function () { sessionStorage.removeItem(KEY_SLOT); });
})();
`;
