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

/** Checks a subscription for the wildcard rules of MQTT; returns the reason's code (config-reasons.ts) when it is invalid. */
export function subscriptionProblem(subscription: string): 'filterEmpty' | 'filterShared' | 'filterHashLevel' | 'filterPlusLevel' | undefined {
  if (!subscription) return 'filterEmpty';
  if (subscription.startsWith('$share/') && !/^\$share\/[^/+#]+\/.+/.test(subscription)) {
    return 'filterShared';
  }
  const levels = filterOf(subscription).split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return 'filterHashLevel';
    if (l.includes('+') && l !== '+') return 'filterPlusLevel';
  }
  return undefined;
}

/** Checks a topic to publish to: no wildcards, not empty; returns the reason's code (config-reasons.ts) when it is invalid. */
export function publishTopicProblem(topic: string): 'topicEmpty' | 'topicWildcards' | undefined {
  if (!topic) return 'topicEmpty';
  if (/[+#]/.test(topic)) return 'topicWildcards';
  return undefined;
}
