// Builds dist/ (CLI and worker bundles) and the example strategies once per
// test run: workers and the CLI can only start from built JS.
import { buildAll } from "../scripts/build.mjs";

export default async function setup(): Promise<void> {
  await buildAll({ quiet: true });
}
