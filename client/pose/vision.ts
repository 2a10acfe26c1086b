// The lazily loaded part of in-browser pose estimation: @mediapipe/tasks-vision, bundled by
// esbuild into its own ES module (dist/client/pose-vision.js) so the main page does not
// carry it. client/pose/landmarker.ts imports it with a dynamic import() on first use.
export { DrawingUtils, FilesetResolver, PoseLandmarker } from '@mediapipe/tasks-vision';
