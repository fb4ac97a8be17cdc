#!/usr/bin/env node
// Runs the @nestjs/swagger CLI plugin over the API's sources and writes apps/api/src/metadata.ts, so
// that the OpenAPI document is the same whether the app runs from `nest build` output or under Jest.
const path = require('node:path');
const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');

const root = path.join(__dirname, '..');
// The generator resolves the tsconfig against the working directory.
process.chdir(root);
const outputDir = path.join(root, 'apps/api/src');
new PluginMetadataGenerator().generate({
  visitors: [new ReadonlyVisitor({ introspectComments: true, pathToSource: outputDir, classValidatorShim: true })],
  outputDir,
  watch: false,
  tsconfigPath: 'tsconfig.build.json',
  filename: 'metadata.ts',
});
