// baton-client.d.ts against baton-client.js: the exported values, the public methods and getters of each
// exported class, and the event names of the client and the resource handle must be the same in both,
// so that the types cannot drift from the code unnoticed. The d.ts is read as text (no TypeScript here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sdk from '../../baton-client.js';

const DTS = readFileSync(new URL('../../baton-client.d.ts', import.meta.url), 'utf8');
const JS = readFileSync(new URL('../../baton-client.js', import.meta.url), 'utf8');

/** @returns {string[]} sorted copy */
const sorted = (names) => [...new Set(names)].sort();

/**
 * The body of `export class NAME ... {` or `export interface NAME {` in the d.ts, up to its closing brace.
 *
 * @param {string} kind `class` or `interface`
 * @param {string} name
 * @returns {string}
 */
function declaration(kind, name) {
  const start = new RegExp(`^export ${kind} ${name}\\b[^{]*\\{$`, 'm').exec(DTS);
  assert.ok(start, `baton-client.d.ts declares no ${kind} ${name}`);
  const end = DTS.indexOf('\n}', start.index);
  return DTS.slice(start.index + start[0].length, end);
}

/** Member lines of a d.ts class body, without comments. */
function memberLines(body) {
  return body.replace(/\/\*\*[^]*?\*\//g, '').split('\n').map((line) => line.trim()).filter(Boolean);
}

/** @returns {{methods: string[], fields: string[], statics: string[]}} what a d.ts class declares */
function declaredMembers(name) {
  const members = { methods: [], fields: [], statics: [] };
  for (const line of memberLines(declaration('class', name))) {
    let m;
    if (/^(private )?constructor\(/.test(line)) {
      continue;
    } else if ((m = /^static (\w+)[(<]/.exec(line))) {
      members.statics.push(m[1]);
    } else if ((m = /^(?:readonly )?(\w+)\??:/.exec(line))) {
      members.fields.push(m[1]);
    } else if ((m = /^(\w+)[(<]/.exec(line))) {
      members.methods.push(m[1]);
    } else {
      assert.fail(`cannot read the member "${line}" of ${name} in baton-client.d.ts`);
    }
  }
  return members;
}

/** Names the JS marks `@internal` in their doc comment (public for the module's own classes only). */
const INTERNAL = new Set([...JS.matchAll(/@internal\s*\*\/\s*(?:async\s+)?(?:get\s+)?(\w+)\(/g)].map((m) => m[1]));

/**
 * The public methods and getters of a JS class, inherited ones included (up to Error or Object).
 *
 * @returns {{methods: string[], getters: string[]}}
 */
function implementedMembers(cls) {
  const members = { methods: [], getters: [] };
  for (let proto = cls.prototype; proto && proto !== Object.prototype && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (name === 'constructor' || INTERNAL.has(name)) {
        continue;
      }
      (d.get ? members.getters : members.methods).push(name);
    }
  }
  return members;
}

/** The keys of a d.ts events interface. */
function declaredEvents(name) {
  return memberLines(declaration('interface', name)).map((line) => /^(\w+):/.exec(line)?.[1]).filter(Boolean);
}

/** The first arguments of `emit('...')` calls in a slice of the JS source. */
function emittedEvents(source) {
  return [...source.matchAll(/\bemit\('(\w+)'/g)].map((m) => m[1]);
}

test('the d.ts declares exactly the values the module exports', () => {
  const declared = [...DTS.matchAll(/^export (?:const|function|class) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(sorted(declared), sorted(Object.keys(sdk)));
});

for (const name of ['BatonClient', 'ResourceHandle', 'BatonError', 'ServerClock']) {
  test(`${name}: the d.ts declares exactly its public methods, and every getter as a field`, () => {
    const declared = declaredMembers(name);
    const implemented = implementedMembers(sdk[name]);
    assert.deepEqual(sorted(declared.methods), sorted(implemented.methods.filter((m) => m !== 'emit')),
      `methods of ${name} (emit is the module's own)`);
    const missing = implemented.getters.filter((g) => !declared.fields.includes(g));
    assert.deepEqual(missing, [], `getters of ${name} missing from the d.ts`);
    const statics = Object.getOwnPropertyNames(sdk[name]).filter((s) => typeof sdk[name][s] === 'function');
    assert.deepEqual(sorted(declared.statics), sorted(statics), `static methods of ${name}`);
  });
}

test('the d.ts names exactly the events the client and the resource handle emit', () => {
  const handleStart = JS.indexOf('export class ResourceHandle');
  const clientStart = JS.indexOf('export class BatonClient');
  assert.ok(handleStart > 0 && clientStart > handleStart, 'ResourceHandle comes before BatonClient in the JS');
  const client = JS.slice(clientStart);
  const handleEvents = [...emittedEvents(JS.slice(handleStart, clientStart)),
    ...[...client.matchAll(/\bhandle\.emit\('(\w+)'/g)].map((m) => m[1])];
  const clientEvents = [...client.matchAll(/\bthis\.emit\('(\w+)'/g)].map((m) => m[1]);
  assert.deepEqual(sorted(declaredEvents('ResourceEvents')), sorted(handleEvents), 'ResourceEvents');
  assert.deepEqual(sorted(declaredEvents('ClientEvents')), sorted(clientEvents), 'ClientEvents');
});

test('the parsers see what the d.ts has (so that a broken parser cannot pass the checks above)', () => {
  assert.ok(declaredMembers('ResourceHandle').methods.includes('respondTakeover'));
  assert.ok(declaredMembers('ResourceHandle').fields.includes('holding'));
  assert.ok(declaredEvents('ResourceEvents').includes('expiring'));
  assert.ok(implementedMembers(sdk.ResourceHandle).getters.includes('token'));
  assert.ok(INTERNAL.has('apply'), 'ResourceHandle#apply is marked @internal in the JS');
});
