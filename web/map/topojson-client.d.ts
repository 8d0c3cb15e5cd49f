// The one function of topojson-client (ISC) that map/outline.ts uses: a TopoJSON object as a
// GeoJSON Feature. The package ships no types.
declare module 'topojson-client' {
  export function feature(topology: unknown, object: unknown): unknown;
}
