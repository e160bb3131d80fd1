/**
 * The dashboard: one page, one script and one stylesheet, all served from
 * this process (no CDN, nothing fetched from anywhere else). The script
 * holds the API key in sessionStorage and sends it as a Bearer header on
 * every API call; there are no cookies, so no request can ride on a
 * session the browser keeps (no CSRF).
 *
 * CSP: scripts from this origin only; inline styles are allowed because the
 * backtest report (host/report/htmlReport.ts, styled inline) is shown in a
 * sandboxed srcdoc frame, which inherits this page's policy.
 */
import type { FastifyInstance } from "fastify";
import { DASHBOARD_HTML } from "./dashboardPage.ts";
import { DASHBOARD_SCRIPT } from "./dashboardScript.ts";
import { DASHBOARD_STYLE } from "./dashboardStyle.ts";

export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
  "frame-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join("; ");

export function registerDashboardRoutes(app: FastifyInstance): void {
  app.get("/", async (_req, reply) => reply.header("content-security-policy", DASHBOARD_CSP).type("text/html; charset=utf-8").send(DASHBOARD_HTML));
  app.get("/dashboard.js", async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(DASHBOARD_SCRIPT));
  app.get("/dashboard.css", async (_req, reply) => reply.type("text/css; charset=utf-8").send(DASHBOARD_STYLE));
}
