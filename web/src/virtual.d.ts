// Modules that Vite makes at build time (vite.config.ts).
declare module 'virtual:map-outline' {
  const outline: import('../map/outline.ts').Outline;
  export default outline;
}
