/**
 * @vlmeval/video (public API declared here; being built).
 *
 * @module
 */
export {};
