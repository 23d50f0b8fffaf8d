#!/usr/bin/env node
// Fails when a public name of the compiled assembly (.jsii) is a reserved word in a language we ship or
// plan to ship (Python now; Java and Go next), or one of the names the house style bans.
//
// jsii's own reserved-word check is silenced in the compile task because it also flags C# keywords, and
// `namespace` (every Kubernetes object has one, and the design names it) and `operator` (a label
// selector requirement's field) are C# keywords that C# bindings escape. Everything else jsii would flag
// is checked here instead, so a reserved word cannot slip in unnoticed.
'use strict';
const fs = require('fs');
const path = require('path');

const PYTHON = ['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield'];
const JAVA = ['abstract', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'const', 'continue', 'default',
  'do', 'double', 'else', 'enum', 'extends', 'final', 'finally', 'float', 'for', 'goto', 'if', 'implements', 'import', 'instanceof',
  'int', 'interface', 'long', 'native', 'new', 'package', 'private', 'protected', 'public', 'return', 'short', 'static', 'strictfp',
  'super', 'switch', 'synchronized', 'this', 'throw', 'throws', 'transient', 'try', 'void', 'volatile', 'while'];
const GO = ['break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var'];
const STYLE = ['from', 'except', 'range', 'type', 'default'];
const BANNED = new Map();
for (const [language, words] of [['Python', PYTHON], ['Java', JAVA], ['Go', GO], ['house style', STYLE]]) {
  for (const word of words) BANNED.set(word, [...(BANNED.get(word) ?? []), language]);
}

const assemblyFile = path.join(__dirname, '..', '.jsii');
const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
const problems = [];
const check = (where, name) => {
  if (BANNED.has(name)) problems.push(`${where}: "${name}" is reserved in ${BANNED.get(name).join(', ')}`);
};
for (const [fqn, type] of Object.entries(assembly.types ?? {})) {
  const own = (m) => !m.inheritedFrom || m.inheritedFrom === fqn;
  check(fqn, type.name);
  for (const p of (type.properties ?? []).filter(own)) check(`${fqn}.${p.name}`, p.name);
  for (const m of [...(type.methods ?? []).filter(own), ...(type.initializer ? [{ ...type.initializer, name: '<init>' }] : [])]) {
    if (m.name !== '<init>') check(`${fqn}.${m.name}`, m.name);
    for (const p of m.parameters ?? []) check(`${fqn}.${m.name}(${p.name})`, p.name);
  }
  for (const member of type.members ?? []) {
    if (/[a-z]/.test(member.name)) check(`${fqn}.${member.name}`, member.name);
  }
  // A member named like its class is renamed in C# (JSII5019).
  for (const p of type.properties ?? []) {
    if (p.name.toLowerCase() === type.name.toLowerCase()) problems.push(`${fqn}.${p.name}: a member named like its class`);
  }
}
if (problems.length > 0) {
  console.error(`Public names that not every jsii language can carry (${assemblyFile}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`jsii names: ${Object.keys(assembly.types ?? {}).length} public types checked, none reserved in Python, Java or Go.`);
