/** Vite turns CSS imports into injected styles; they have no exports. */
declare module '*.css';
