// Entry point: choose the transport, then mount the app (or say why it cannot start).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseTransport } from './api/client.js';
import { App } from './App.js';
import './perf.js';

const root = createRoot(document.getElementById('root') as HTMLElement);
const choice = chooseTransport();
root.render(
  <StrictMode>
    {choice.ok ? (
      <App transport={choice.transport} />
    ) : (
      <div className="fatal" role="alert">
        <h1>MedSapiens</h1>
        <p>{choice.message}</p>
      </div>
    )}
  </StrictMode>,
);
