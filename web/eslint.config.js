// Lints the app and its test scripts: TypeScript's recommended rules,
// React's rules of hooks, accessibility (jsx-a11y), no import cycles, and
// the boundaries of the layout (ADR 009): features do not import each
// other; shared code (api, components, lib) imports no feature.
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y-x";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const FEATURES = ["auth", "boards", "inbox", "people", "settings", "viewer", "workspaces"];

/** Files of one feature may import only their own feature among the features. */
const featureBoundary = (feature) => ({
  files: [`src/features/${feature}/**/*.{ts,tsx}`],
  rules: {
    "no-restricted-imports": ["error", {
      patterns: [{
        regex: `(^|/)features/(?!${feature}/)|^\\.\\./(?!\\.\\./)`,
        message: "Features do not import each other: move what they share to src/components, src/lib or src/api.",
      }],
    }],
  },
});

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/api/schema.d.ts", "e2e/screenshots"] },
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, jsxA11y.configs.recommended],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks, "import-x": importX },
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js", ".json"] })] },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "import-x/no-cycle": "error",
    },
  },
  ...FEATURES.map(featureBoundary),
  {
    // Shared code is below the features.
    files: ["src/api/**/*.{ts,tsx}", "src/components/**/*.{ts,tsx}", "src/lib/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ regex: "(^|/)features/", message: "Shared code does not import features." }],
      }],
    },
  },
  {
    files: ["e2e/**/*.mjs", "*.config.{js,ts}"],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
