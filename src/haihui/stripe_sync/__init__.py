"""Stripe Payment Links for every tier, reconciled idempotently (`invoke stripe-sync`).

Not a Pelican plugin: the build never calls Stripe. tasks.py runs the sync
ahead of time and the build reads what it wrote, content/data/checkout-links.yaml.

- `keys`: the API key from STRIPE_API_KEY, its mode (test/live), and scrubbing
  of any part of a key from text.
- `desired`: what Stripe should hold for the tiers (products, prices, links)
  and the site addresses the links return to.
- `reconcile`: pure planning: desired state + what Stripe holds -> actions.
- `gateway`: the thin adapter over the official SDK's StripeClient.
- `links_file`: reading and atomically writing checkout-links.yaml.
- `sync`: runs a plan, and the command behind `invoke stripe-sync`.
"""
