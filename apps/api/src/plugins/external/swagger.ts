import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** The multipart form of POST /v1/videos, which Fastify does not validate (the route streams it). */
const multipartUpload = {
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: {
          type: 'array',
          items: { type: 'string', format: 'binary' },
          description: 'One or more videos',
        },
        callbackUrl: { type: 'string', format: 'uri' },
        tags: { type: 'string', description: 'Comma-separated, or repeat the field' },
        targetFps: { type: 'number' },
        shardSeconds: { type: 'number' },
      },
    },
  },
};

/** The multipart form of POST /v1/search (an image search), read by the route, not by Fastify. */
const multipartImageSearch = {
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string', format: 'binary', description: 'The image to search by (≤ 10 MiB)' },
        query: { type: 'string', description: 'JSON: filters, paging and minScore, as in the JSON body' },
      },
    },
  },
};

/** OpenAPI document at /docs/json and the Swagger UI at /docs. Only tagged routes are documented. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Orion API',
        version: '1.0.0',
        description: 'Bulk video uploads, processing status, and the resulting object entities.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key' } },
      },
      tags: [
        { name: 'videos', description: 'Submit videos and follow their processing' },
        { name: 'entities', description: 'Entities and observations found in a video' },
        { name: 'uploads', description: 'Direct-to-bucket uploads' },
        { name: 'operations', description: 'Queues and failed jobs (admin keys)' },
        { name: 'health', description: 'Probes' },
      ],
    },
    hideUntagged: true,
    transform: ({ schema, url, route }) => {
      if (url === '/v1/videos' && route.method === 'POST') {
        const body = schema.body as { content?: Record<string, unknown> } | undefined;
        return {
          schema: { ...schema, body: { content: { ...body?.content, ...multipartUpload } } } as typeof schema,
          url,
        };
      }
      if (url === '/v1/search' && route.method === 'POST') {
        const body = schema.body as { content?: Record<string, unknown> } | undefined;
        return {
          schema: {
            ...schema,
            body: { content: { ...body?.content, ...multipartImageSearch } },
          } as typeof schema,
          url,
        };
      }
      return { schema, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
