/**
 * How the service's Node process is started. `npm start` (package.json) and the image (Dockerfile) set
 * the same by hand; the demo, the bench and the tests' service processes take them from here, so they
 * run the service as users do.
 * - The heap limit: without one V8 lets garbage pile up towards 4 GiB (README, NODE_OPTIONS).
 * - glibc's mmap threshold, fixed: by default glibc keeps what Node frees (README, MALLOC_MMAP_THRESHOLD_).
 */
export const SERVICE_NODE_ARGS: readonly string[] = ['--max-old-space-size=256'];
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };
