/** Shopify: signed with `node:crypto` per Shopify's documentation (no official signer). */
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso } from './support';

// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`; id in `X-Shopify-Webhook-Id`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const created = iso(now);
  const resourceId = 5_000_000_000_000 + randomInt(1_000_000_000);
  const customer = { id: 6_000_000_000_000 + randomInt(1_000_000_000), email: 'bob.norman@example.com', first_name: 'Bob', last_name: 'Norman' };
  let document: Record<string, unknown>;
  if (eventType.startsWith('products/')) {
    document = {
      id: resourceId,
      admin_graphql_api_id: `gid://shopify/Product/${resourceId}`,
      title: 'Example T-Shirt',
      handle: 'example-t-shirt',
      status: 'active',
      vendor: 'Acme',
      created_at: created,
      updated_at: created,
      variants: [{ id: resourceId + 1, title: 'Small', price: '19.99', sku: 'EX-TS-S' }],
    };
  } else if (eventType.startsWith('customers/')) {
    document = {
      ...customer,
      id: resourceId,
      admin_graphql_api_id: `gid://shopify/Customer/${resourceId}`,
      created_at: created,
      updated_at: created,
      state: 'enabled',
    };
  } else {
    document = {
      id: resourceId,
      admin_graphql_api_id: `gid://shopify/Order/${resourceId}`,
      name: `#${1000 + randomInt(9000)}`,
      order_number: 1000 + randomInt(9000),
      email: customer.email,
      created_at: created,
      updated_at: created,
      currency: 'USD',
      financial_status: 'paid',
      fulfillment_status: null,
      subtotal_price: '199.00',
      total_price: '199.00',
      total_tax: '0.00',
      customer,
      line_items: [{ id: resourceId + 1, product_id: resourceId + 2, title: 'IPod Nano - 8GB', quantity: 1, price: '199.00', sku: 'IPOD2008PINK' }],
    };
  }
  const body = JSON.stringify(document);
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'Shopify-Captain-Hook',
      'x-shopify-topic': eventType,
      'x-shopify-webhook-id': eventId,
      'x-shopify-event-id': randomUUID(),
      'x-shopify-shop-domain': 'example.myshopify.com',
      'x-shopify-api-version': '2025-07',
      'x-shopify-triggered-at': created,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const shopifySample: ProviderSample = {
  defaultEventType: 'orders/create',
  build,
};
