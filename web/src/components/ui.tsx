import type { ComponentChildren } from 'preact';
import type { Status } from '../../../src/server/api-types.js';
import type { ApiState } from '../api/use-api.js';

export function Panel(props: {
  title: string;
  id?: string;
  actions?: ComponentChildren;
  sub?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <section class={`panel ${props.class ?? ''}`} id={props.id} aria-label={props.title}>
      <header class="panel-head">
        <h2>{props.title}</h2>
        {props.sub ? <span class="panel-sub">{props.sub}</span> : null}
        <div class="panel-actions">{props.actions}</div>
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}

export function StatusBadge({ status, reason }: { status: Status | 'resolved' | string; reason?: string }) {
  return (
    <span class={`badge status-${status}`} title={reason}>
      {status}
    </span>
  );
}

export function Tag({ children, tone }: { children: ComponentChildren; tone?: string }) {
  return <span class={`tag ${tone ? `tone-${tone}` : ''}`}>{children}</span>;
}

/** Empty explains why there is nothing to show, and what would change that. */
export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty" role="status">
      <strong>{title}</strong>
      {children ? <div class="empty-why">{children}</div> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div class="loading" role="status" aria-busy="true">
      Loading {what}…
    </div>
  );
}

/**
 * Pending renders the non-data states of a request with their reason; `children` renders the
 * data. "Not served yet" names the missing route so nobody mistakes it for "no problems".
 */
export function Pending<T>(props: {
  state: ApiState<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const s = props.state;
  switch (s.status) {
    case 'loading':
      return <Loading what={props.what} />;
    case 'unavailable':
      return (
        <Empty title={`This server does not serve ${props.what} yet`}>
          <code>{s.route}</code> is not in this server's <code>/openapi.json</code>. This panel fills in once
          a Vigil version with that route runs here.
        </Empty>
      );
    case 'error':
      return (
        <div class="error-box" role="alert">
          <strong>Could not load {props.what}</strong>
          <span>
            <code>{s.error.code}</code> {s.error.message}
          </span>
        </div>
      );
    case 'ok':
      return <>{props.children(s.data)}</>;
  }
}

export function Kpi(props: { label: string; value: ComponentChildren; hint?: string; tone?: string }) {
  return (
    <div class={`kpi ${props.tone ? `tone-${props.tone}` : ''}`} title={props.hint}>
      <div class="kpi-label">{props.label}</div>
      <div class="kpi-value">{props.value}</div>
    </div>
  );
}

export function Select(props: {
  label: string;
  value: string;
  options: ReadonlyArray<string | { value: string; label: string }>;
  onChange: (v: string) => void;
  name?: string;
}) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <select
        name={props.name ?? props.label}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) =>
          typeof o === 'string' ? (
            <option key={o} value={o}>
              {o}
            </option>
          ) : (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ),
        )}
      </select>
    </label>
  );
}

/** Segmented is a row of mutually exclusive buttons (metric, granularity, preset). */
export function Segmented(props: {
  label: string;
  value: string;
  options: ReadonlyArray<string | { value: string; label: string }>;
  onChange: (v: string) => void;
}) {
  return (
    <fieldset class="segmented" aria-label={props.label}>
      {props.options.map((o) => {
        const value = typeof o === 'string' ? o : o.value;
        const text = typeof o === 'string' ? o : o.label;
        return (
          <button
            type="button"
            key={value}
            aria-pressed={value === props.value}
            class={value === props.value ? 'on' : ''}
            onClick={() => props.onChange(value)}
          >
            {text}
          </button>
        );
      })}
    </fieldset>
  );
}
