/** The dashboard's stylesheet (served as /dashboard.css). */
export const DASHBOARD_STYLE = `
:root { --ink: #1d2430; --muted: #5b6675; --line: #d9dee5; --bg: #f6f7f9; --accent: #2457c5; --bad: #c2352b; --good: #1b8a4a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #111827; color: #fff; }
header h1 { font-size: 18px; margin: 0; letter-spacing: .5px; }
header .who { flex: 1; color: #cbd5e1; }
main { padding: 12px 20px 40px; display: grid; gap: 16px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 12px 20px; }
main .panel { margin: 0; }
h2 { font-size: 16px; margin: 0 0 8px; }
h2 small { font-weight: normal; color: var(--muted); }
form { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 6px 0; }
label { color: var(--muted); }
input, select, textarea, button { font: inherit; }
textarea { font-family: ui-monospace, monospace; font-size: 12px; width: 100%; }
button { border: 1px solid var(--line); background: #fff; border-radius: 4px; padding: 3px 10px; cursor: pointer; }
button:hover { border-color: var(--accent); }
button.danger, button.halt { color: #fff; background: var(--bad); border-color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin-top: 6px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.detail { white-space: normal; font-family: ui-monospace, monospace; font-size: 12px; max-width: 640px; overflow-wrap: anywhere; }
.hash { font-family: ui-monospace, monospace; font-size: 12px; }
.error { color: var(--bad); }
.result { min-height: 1.2em; margin: 4px 0; }
.ok { color: var(--good); font-weight: 600; }
.broken { color: var(--bad); font-weight: 600; }
.status-running { color: var(--good); font-weight: 600; }
.status-halted, .status-failed, .status-interrupted { color: var(--bad); }
#report-frame { width: 100%; height: 900px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
.neg { color: var(--bad); }
`;
