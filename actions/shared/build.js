// Builds dist/index.js of the action in the current directory; with --check, builds in memory and
// fails when the committed dist/ differs from what src/ builds to (so stale code never ships).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// esbuild comes from the action's own node_modules (its lockfile pins the version).
let build;
try {
  ({ build } = createRequire(join(process.cwd(), 'package.json'))('esbuild'));
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') {
    throw e;
  }
  console.error(`esbuild is not installed in ${process.cwd()}: run "npm ci" there first`);
  process.exit(1);
}

const check = process.argv.includes('--check');
const result = await build({
  entryPoints: ['src/index.js'],
  bundle: true,
  platform: 'node',
  target: 'node20', // runs on node24, which action.yml asks for, and on the Node 20 the tests may use
  format: 'esm',
  legalComments: 'none',
  write: false,
  outfile: 'dist/index.js',
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __sentryagentCreateRequire } from 'node:module'; const require = __sentryagentCreateRequire(import.meta.url);",
  },
});
const built = result.outputFiles[0].text;

if (check) {
  let committed = '';
  try {
    committed = readFileSync('dist/index.js', 'utf8');
  } catch {
    // reported below
  }
  if (committed !== built) {
    console.error(`${process.cwd()}/dist/index.js is stale: run "npm run build" and commit dist/`);
    process.exit(1);
  }
  console.log('dist/index.js is up to date with src/');
} else {
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/index.js', built);
  console.log(`dist/index.js: ${built.length} bytes`);
}
