// The page imports the editor bundle as ../vendor/live-editor.js (served by src/server/vendor.ts, built
// from src/web/editor/live-editor.js): its types are that module's.
export * from '../editor/live-editor.js';
