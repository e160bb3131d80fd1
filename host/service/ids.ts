/** Ids for jobs and deployments: a kind prefix and 8 random bytes in hex (schema.ts patterns). */
import { randomBytes } from "node:crypto";

export function newJobId(): string {
  return `bt_${randomBytes(8).toString("hex")}`;
}

export function newDeploymentId(): string {
  return `dp_${randomBytes(8).toString("hex")}`;
}
