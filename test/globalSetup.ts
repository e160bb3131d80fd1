// Builds dist/ (CLI and worker bundles) and the example strategies once per
// test run: workers and the CLI can only start from built JS. A failed build
// is reported here once; the tests that need dist/ then fail on their own.
import { buildAll } from "../scripts/build.mjs";

export default async function setup(): Promise<void> {
  try {
    await buildAll({ quiet: true });
  } catch (e) {
    console.error(`[globalSetup] build failed: ${(e as Error).message.split("\n").slice(0, 4).join(" | ")}`);
  }
}
