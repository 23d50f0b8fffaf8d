/*
 * Makes `require('cdk8s-netsec')` load the library's TypeScript sources when an example runs from this
 * repository, so `cdk8s synth` works on a fresh clone without compiling lib/ first. Without it, Node would
 * resolve the package's own name to its `exports` (lib/index.js): missing before a build, stale after an
 * edit. The mapping is the `paths` of ./tsconfig.json, so the type checker and the runtime agree. ts-node
 * loads this file through the `ts-node.require` option of that tsconfig.
 */
const Module = require('module');
const path = require('path');
const { compilerOptions } = require('./tsconfig.json');

const SOURCES = new Map(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, path.resolve(__dirname, target)]));
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function resolveToSources(request, ...rest) {
  return resolveFilename.call(this, SOURCES.get(request) ?? request, ...rest);
};
