// Nest 12 and several of its dependencies ship ESM only, which Jest cannot require() on Node 20.
// Jest therefore runs in CommonJS mode and @swc/jest transpiles those packages along with our code.
const fs = require('node:fs');
const path = require('node:path');

function esmPackages(dir = path.join(__dirname, 'node_modules')) {
  const found = [];
  const check = (name, full) => {
    try {
      if (JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8')).type === 'module') found.push(name);
    } catch {
      // not a package
    }
  };
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (name.startsWith('@')) {
      for (const sub of fs.readdirSync(full)) check(`${name}/${sub}`, path.join(full, sub));
    } else {
      check(name, full);
    }
  }
  return found;
}

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const esm = esmPackages().map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  testRegex: '(apps|libs)/.*\\.spec\\.ts$|test/.*\\.e2e-spec\\.ts$',
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
  moduleNameMapper: {
    // Relative imports carry a .js extension where TypeScript's node16 resolution demands it.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@app/contracts$': '<rootDir>/libs/contracts/src',
    '^@app/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
    '^@app/platform-adapters$': '<rootDir>/libs/platform-adapters/src',
    '^@app/platform-adapters/(.*)$': '<rootDir>/libs/platform-adapters/src/$1',
  },
  testTimeout: 60_000,
};
