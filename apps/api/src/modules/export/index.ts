/** The export module's public entry: what the application uses; lint refuses deeper imports. */
export { ExportModule } from './export.module';
export { ConfiguredIoAdapter } from './events/configured-io.adapter';
