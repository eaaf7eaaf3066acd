/**
 * The first-party plugins, as data: core never imports a plugin. A first-party plugin whose trigger variables are
 * set is enabled unless the config file disables it; `byDefault` ones are enabled unless disabled.
 */
export interface FirstPartyPlugin {
  /** The short name accepted in the config file (`"commands-builtin"`). */
  readonly short: string
  readonly packageName: string
  readonly byDefault: boolean
  /** Any one of these being set enables the plugin. */
  readonly triggers: readonly string[]
}

export const FIRST_PARTY: readonly FirstPartyPlugin[] = [
  { short: 'commands-builtin', packageName: '@operator/plugin-commands-builtin', byDefault: true, triggers: [] },
  { short: 'prometheus', packageName: '@operator/plugin-prometheus', byDefault: false, triggers: ['PROMETHEUS_URL'] },
  { short: 'datadog', packageName: '@operator/plugin-datadog', byDefault: false, triggers: ['DATADOG_API_KEY'] },
  { short: 'logs', packageName: '@operator/plugin-logs', byDefault: false, triggers: ['LOGS_TYPE'] },
  { short: 'database', packageName: '@operator/plugin-database', byDefault: false, triggers: ['DB_URL', 'DB_STATS_URL'] },
  { short: 'gateway', packageName: '@operator/plugin-gateway', byDefault: false, triggers: ['GATEWAY_TYPE'] },
  { short: 'interpreter', packageName: '@operator/plugin-interpreter', byDefault: true, triggers: [] },
  { short: 'alertmanager', packageName: '@operator/plugin-alertmanager', byDefault: false, triggers: ['ALERTMANAGER_WEBHOOK_TOKEN', 'ALERTMANAGER_WEBHOOK_USERNAME', 'ALERTMANAGER_URL'] },
  { short: 'alert-webhook', packageName: '@operator/plugin-alert-webhook', byDefault: false, triggers: ['ALERT_WEBHOOK_TOKEN'] }
]

export function firstPartyByName (name: string): FirstPartyPlugin | undefined {
  return FIRST_PARTY.find((p) => p.short === name || p.packageName === name)
}
