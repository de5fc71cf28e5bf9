import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The built app is embedded in the critboard binary and served on the
// API's own port; in development `vite` proxies the API to a running server.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
