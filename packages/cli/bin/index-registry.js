#!/usr/bin/env node
// The `index-registry` command: the compiled CLI (npm run build makes dist/ from src/).
require('../dist/main.js').main(process.argv);
