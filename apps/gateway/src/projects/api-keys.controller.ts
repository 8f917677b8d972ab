import { Controller, Delete, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyCreated, ApiKeyId, ApiKeyView, AuthApiKeyRpc, CreateApiKeyBody, ProjectId } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { ApiZodBody, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

/** A project's API keys (api_keys:manage), answered by the auth service. */
@ApiTags('api-keys')
@Controller('projects/:id/api-keys')
export class ApiKeysController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: "The project's API keys, revoked and expired ones included; never a secret" })
  @ApiOkResponse({ schema: jsonSchemaOf(z.object({ items: z.array(ApiKeyView) })) })
  @ApiErrors(403, 404)
  list(@ValidParam('id', ProjectId) projectId: string) {
    return this.bus.request(AuthApiKeyRpc.list, { project_id: projectId });
  }

  @Post()
  @ApiOperation({
    summary: "Create an API key (a role no higher than the caller's, an expiry within AUTH_API_KEY_MAX_TTL); the key is shown this once",
  })
  @ApiZodBody(CreateApiKeyBody)
  @ApiCreatedResponse({ schema: jsonSchemaOf(ApiKeyCreated) })
  @ApiErrors(403, 404)
  create(@ValidParam('id', ProjectId) projectId: string, @ValidBody(CreateApiKeyBody) body: z.output<typeof CreateApiKeyBody>) {
    return this.bus.request(AuthApiKeyRpc.create, { project_id: projectId, ...body });
  }

  @Delete(':key_id')
  @ApiOperation({ summary: 'Revoke an API key: gateways refuse it from then on' })
  @ApiOkResponse({ schema: jsonSchemaOf(ApiKeyView) })
  @ApiErrors(403, 404)
  revoke(@ValidParam('id', ProjectId) projectId: string, @ValidParam('key_id', ApiKeyId) keyId: string) {
    return this.bus.request(AuthApiKeyRpc.revoke, { project_id: projectId, key_id: keyId });
  }
}
