import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

// The benchmark's baseline: the same HTTP stack (Nest on Express) answering a
// profile-shaped body from memory, with no token check and no bus call.
const PROFILE = {
  id: '00000000-0000-0000-0000-000000000000',
  email: 'bench@example.com',
  username: 'bench',
  name: 'Bench',
  created_at: new Date(0).toISOString(),
  updated_at: new Date(0).toISOString(),
};

@Controller()
class BaselineController {
  @Get('auth/profile')
  profile(): typeof PROFILE {
    return PROFILE;
  }
}

@Module({ controllers: [BaselineController] })
class BaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BaselineModule, { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
