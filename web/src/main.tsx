import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { App } from "./App";
import { createQueryClient } from "./api/queryClient";
import { keepDroppedFilesInTheApp } from "./lib/drops";
import "./tokens.css";
import "./styles.css";

keepDroppedFilesInTheApp();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
