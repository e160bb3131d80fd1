/**
 * The dashboard's one page. Static: every value is filled in by
 * dashboardScript.ts through textContent, never by parsing HTML, so nothing
 * a tenant uploaded (a strategy name, a fault message) can become markup.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ringfence</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>ringfence</h1>
  <span id="who" class="who"></span>
  <button id="logout" type="button" hidden>Log out</button>
</header>

<section id="login" class="panel">
  <h2>Log in</h2>
  <p>Paste an API key (<code>ringfence keys create --data DIR --tenant T --role quant|risk|admin</code> prints one). It stays in this tab only.</p>
  <form id="login-form">
    <input id="key" type="password" autocomplete="off" placeholder="rfk_…" size="70" aria-label="API key">
    <button id="login-btn" type="submit">Log in</button>
  </form>
  <p id="login-error" class="error" role="alert"></p>
</section>

<main id="app" hidden>
  <section id="strategies" class="panel">
    <h2>Strategies</h2>
    <div id="upload" class="quant-only">
      <form id="upload-form">
        <label>Module <input id="upload-file" type="file" accept=".wasm,application/wasm"></label>
        <label>Name <input id="upload-name" type="text" value="strategy" size="20"></label>
        <button id="upload-btn" type="submit">Upload .wasm</button>
      </form>
      <details>
        <summary>…or AssemblyScript source, compiled on the server against the SDK</summary>
        <form id="compile-form">
          <textarea id="upload-source" rows="8" cols="90" spellcheck="false">export * from "ringfence/exports";</textarea><br>
          <label>Name <input id="compile-name" type="text" value="my_strategy" size="20"></label>
          <button id="compile-btn" type="submit">Compile and upload</button>
        </form>
      </details>
      <p id="upload-result" class="result" role="status"></p>
    </div>
    <table id="strategy-table"><thead><tr><th>name</th><th>code id</th><th>tenant</th><th>source</th><th>bytes</th><th></th></tr></thead><tbody></tbody></table>
  </section>

  <section id="backtests" class="panel">
    <h2>Backtests</h2>
    <form id="backtest-form" class="quant-only">
      <label>Strategy <select id="bt-strategy"></select></label>
      <label>Events <input id="bt-events" type="number" value="50000" min="1" max="1000000"></label>
      <label>Seed <input id="bt-seed" type="number" value="42" min="0"></label>
      <label>Instruments <input id="bt-instruments" type="number" value="2" min="1" max="8"></label>
      <button id="bt-run" type="submit">Run backtest</button>
    </form>
    <p id="backtest-result" class="result" role="status"></p>
    <table id="backtest-table"><thead><tr><th>id</th><th>tenant</th><th>status</th><th>strategies</th><th>dataset</th><th>pnl</th><th></th></tr></thead><tbody></tbody></table>
    <div id="report" hidden>
      <h3 id="report-title"></h3>
      <iframe id="report-frame" title="backtest report" sandbox=""></iframe>
    </div>
  </section>

  <section id="deployments" class="panel">
    <h2>Deployments <small>(paper trading on the rings; live every second)</small></h2>
    <form id="deploy-form" class="quant-only">
      <label>Strategy <select id="dp-strategy"></select></label>
      <label>Events/s <input id="dp-rate" type="number" value="200" min="1" max="5000"></label>
      <label>Max position (lots) <input id="dp-maxpos" type="number" value="50" min="1"></label>
      <button id="dp-run" type="submit">Deploy</button>
    </form>
    <div id="kill-panel" class="risk-only">
      <label>Tenant <input id="kill-tenant" type="text" size="16"></label>
      <button id="kill-tenant-btn" type="button" class="danger">Kill tenant</button>
      <button id="kill-global-btn" type="button" class="danger">Kill everything</button>
      <button id="release-btn" type="button">Release</button>
      <span id="switches"></span>
    </div>
    <p id="deploy-result" class="result" role="status"></p>
    <table id="deployment-table"><thead><tr>
      <th>id</th><th>strategy</th><th>tenant</th><th>status</th><th>events</th><th>position</th><th>pnl</th><th>fills</th><th>working</th>
      <th>tick→order p50 / p99 (µs)</th><th>ring lag (max)</th><th></th>
    </tr></thead><tbody></tbody></table>
  </section>

  <section id="audit" class="panel">
    <h2>Audit trail</h2>
    <p><span id="audit-chain"></span> <span id="audit-status"></span></p>
    <table id="audit-table"><thead><tr><th>#</th><th>call</th><th>event</th><th>args</th><th>result</th><th>detail</th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;
