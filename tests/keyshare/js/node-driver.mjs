// node node-driver.mjs < ops.json: runs tests/keyshare/js/ops.mjs in node.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { run } from "./ops.mjs";

const base = pathToFileURL(new URL("../../../static/js/keyshare", import.meta.url).pathname).href;
const ops = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(await run(base, ops)));
