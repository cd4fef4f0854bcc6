/** Strips the `$share/<group>/` prefix of a shared subscription, leaving the topic filter itself. */
export function filterOf(subscription: string): string {
  const m = /^\$share\/[^/]+\/(.*)$/.exec(subscription);
  return m ? m[1] : subscription;
}

/** True when an MQTT topic matches a filter with `+` and `#` wildcards (shared prefix allowed). */
export function topicMatches(subscription: string, topic: string): boolean {
  const f = filterOf(subscription).split('/');
  const t = topic.split('/');
  // Wildcards at the first level do not match topics starting with '$' (MQTT 4.7.2).
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Checks a subscription for the wildcard rules of MQTT; returns a reason when it is invalid. */
export function subscriptionProblem(subscription: string): string | undefined {
  if (!subscription) return 'must not be empty';
  if (subscription.startsWith('$share/') && !/^\$share\/[^/+#]+\/.+/.test(subscription)) {
    return 'a shared subscription is $share/<group>/<filter>';
  }
  const levels = filterOf(subscription).split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return "'#' must be a whole level and the last one";
    if (l.includes('+') && l !== '+') return "'+' must be a whole level";
  }
  return undefined;
}

/** Checks a topic to publish to: no wildcards, not empty. */
export function publishTopicProblem(topic: string): string | undefined {
  if (!topic) return 'must not be empty';
  if (/[+#]/.test(topic)) return "must not contain the wildcards '+' or '#'";
  return undefined;
}
