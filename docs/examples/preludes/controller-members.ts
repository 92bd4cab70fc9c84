// The class a ```ts prelude=controller-members block is checked in: the block is this
// controller's members (methods with their route decorators). The block imports what else it
// uses at its top; those imports go above this file's.
import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';

@Controller('examples')
export class ExampleController {
  // @fragment
}

// The decorators above are used by most fragments; this keeps them in use for the others.
export const decorators = [Body, Delete, Get, Param, Patch, Post, Put, Query];
