// Copy the browser builds the web form uses from node_modules/ into service/static/vendor/.
// Run by `npm ci` (postinstall) or `npm run vendor`; the vendor folder is git-ignored.
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "service", "static", "vendor");
const assets = [
  ["node_modules/cytoscape/dist/cytoscape.min.js", "cytoscape.min.js"],
  ["node_modules/cytoscape/LICENSE", "cytoscape.LICENSE.txt"],
];

mkdirSync(target, { recursive: true });
for (const [from, to] of assets) {
  const source = join(root, from);
  if (!existsSync(source)) {
    console.error(`vendor-assets: ${from} is missing; run npm ci first`);
    process.exit(1);
  }
  copyFileSync(source, join(target, to));
  console.log(`vendor-assets: ${from} -> service/static/vendor/${to}`);
}
