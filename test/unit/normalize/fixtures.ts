/** Realistic raw provider payloads (shapes as the vendors return them; text shortened). */

export const openAiChatCachedReasoning = {
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion',
  created: 1741569952,
  model: 'o3-2025-04-16',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'The answer is 42.' }, finish_reason: 'stop' },
  ],
  usage: {
    prompt_tokens: 2006,
    completion_tokens: 300,
    total_tokens: 2306,
    prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 192,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_4ba8e2d7c1',
};

export const openAiChatAudio = {
  id: 'chatcmpl-audio-1',
  object: 'chat.completion',
  model: 'gpt-4o-audio-preview-2025-06-03',
  choices: [
    { index: 0, message: { role: 'assistant', content: null, audio: { id: 'audio_1', data: '...' } } },
  ],
  usage: {
    prompt_tokens: 1500,
    completion_tokens: 800,
    total_tokens: 2300,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 1000 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 600 },
  },
};

export const openAiResponses = {
  id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
  object: 'response',
  created_at: 1741476542,
  status: 'completed',
  model: 'gpt-5-2025-08-07',
  output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [] }],
  usage: {
    input_tokens: 5000,
    input_tokens_details: { cached_tokens: 4096 },
    output_tokens: 900,
    output_tokens_details: { reasoning_tokens: 640 },
    total_tokens: 5900,
  },
};

export const openAiEmbeddings = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 8, total_tokens: 8 },
};

export const azureChat = {
  id: 'chatcmpl-azure-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-11-20',
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
  ],
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hi' } }],
  usage: {
    prompt_tokens: 3200,
    completion_tokens: 150,
    total_tokens: 3350,
    prompt_tokens_details: { cached_tokens: 2048 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
};

export const anthropicMessageWithCache = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 50,
    cache_creation_input_tokens: 3000,
    cache_read_input_tokens: 10000,
    cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
    output_tokens: 700,
    service_tier: 'standard',
  },
};

/** An older API version: no `cache_creation` split; the request says every breakpoint is 1 hour. */
export const anthropicMessageNoSplit = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-4-1-20250805',
  content: [
    { type: 'thinking', thinking: '...', signature: 'sig' },
    { type: 'text', text: 'Done.' },
  ],
  usage: {
    input_tokens: 20,
    cache_creation_input_tokens: 4000,
    cache_read_input_tokens: 0,
    output_tokens: 2500,
  },
};

export const anthropicRequestOneHourCache = {
  model: 'claude-opus-4-1-20250805',
  max_tokens: 4096,
  thinking: { type: 'enabled', budget_tokens: 2048 },
  system: [{ type: 'text', text: 'Long system prompt', cache_control: { type: 'ephemeral', ttl: '1h' } }],
  messages: [
    {
      role: 'user',
      content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    },
  ],
};

export const geminiLongContextThinking = {
  candidates: [
    { content: { parts: [{ text: 'Summary...' }], role: 'model' }, finishReason: 'STOP', index: 0 },
  ],
  usageMetadata: {
    promptTokenCount: 250000,
    cachedContentTokenCount: 200000,
    candidatesTokenCount: 1200,
    thoughtsTokenCount: 3400,
    totalTokenCount: 254600,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 250000 }],
    cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 200000 }],
  },
  modelVersion: 'gemini-2.5-pro',
  responseId: 'mK4baPXJL8jVz7IPz4KxqQ0',
};

export const vertexGeminiAudio = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'Transcript...' }] }, finishReason: 'STOP' }],
  usageMetadata: {
    promptTokenCount: 4000,
    candidatesTokenCount: 500,
    totalTokenCount: 4500,
    trafficType: 'ON_DEMAND',
    promptTokensDetails: [
      { modality: 'AUDIO', tokenCount: 3200 },
      { modality: 'TEXT', tokenCount: 800 },
    ],
    candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 500 }],
  },
  modelVersion: 'gemini-2.5-flash',
  createTime: '2025-07-01T10:00:00.000000Z',
  responseId: 'abc',
};

export const bedrockConverseCached = {
  output: { message: { role: 'assistant', content: [{ text: 'Sure.' }] } },
  stopReason: 'end_turn',
  usage: {
    inputTokens: 120,
    outputTokens: 480,
    totalTokens: 5600,
    cacheReadInputTokens: 4000,
    cacheWriteInputTokens: 1000,
    cacheDetails: [{ ttl: '5m', inputTokens: 1000 }],
  },
  metrics: { latencyMs: 2154 },
};

export const bedrockInvokeAnthropic = {
  id: 'msg_bdrk_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-3-5-sonnet-20241022',
  content: [{ type: 'text', text: 'Hi' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 1500, output_tokens: 320 },
};

export const bedrockLlama = {
  generation: 'Paris is the capital of France.',
  prompt_token_count: 812,
  generation_token_count: 256,
  stop_reason: 'stop',
};

export const bedrockNova = {
  output: { message: { content: [{ text: 'Hi' }], role: 'assistant' } },
  stopReason: 'end_turn',
  usage: {
    inputTokens: 300,
    outputTokens: 90,
    totalTokens: 2390,
    cacheReadInputTokenCount: 2000,
    cacheWriteInputTokenCount: 0,
  },
};

export const mistralChat = {
  id: 'cmpl-e5cc70bb28c444948073e77776eb30ef',
  object: 'chat.completion',
  model: 'mistral-small-latest',
  created: 1702256327,
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Bonjour', tool_calls: null }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 16, completion_tokens: 34, total_tokens: 50 },
};

export const openAiChatStream = [
  {
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' } }],
    usage: null,
  },
  {
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content: 'Hel' } }],
    usage: null,
  },
  {
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    usage: null,
  },
  {
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-mini',
    choices: [],
    usage: {
      prompt_tokens: 1200,
      completion_tokens: 40,
      total_tokens: 1240,
      prompt_tokens_details: { cached_tokens: 1024 },
    },
  },
];

export const openAiResponsesStream = [
  {
    type: 'response.created',
    sequence_number: 0,
    response: { id: 'resp_1', object: 'response', status: 'in_progress', usage: null },
  },
  {
    type: 'response.output_text.delta',
    sequence_number: 4,
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    delta: 'Hi',
  },
  {
    type: 'response.completed',
    sequence_number: 9,
    response: {
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      model: 'o4-mini-2025-04-16',
      usage: {
        input_tokens: 800,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 1500,
        output_tokens_details: { reasoning_tokens: 1200 },
        total_tokens: 2300,
      },
    },
  },
];

export const anthropicStream = [
  {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5-20251001',
      content: [],
      usage: {
        input_tokens: 472,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 2048,
        output_tokens: 2,
      },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  { type: 'content_block_stop', index: 0 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 15 },
  },
  { type: 'message_stop' },
];

export const geminiStream = [
  {
    candidates: [{ content: { parts: [{ text: 'The' }], role: 'model' } }],
    usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
    modelVersion: 'gemini-2.0-flash',
  },
  {
    candidates: [{ content: { parts: [{ text: ' end.' }], role: 'model' }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 130, totalTokenCount: 139 },
    modelVersion: 'gemini-2.0-flash',
  },
];

export const bedrockConverseStream = [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { delta: { text: 'Hi' }, contentBlockIndex: 0 } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: 'end_turn' } },
  {
    metadata: { usage: { inputTokens: 25, outputTokens: 11, totalTokens: 36 }, metrics: { latencyMs: 400 } },
  },
];

/** InvokeModelWithResponseStream with an Anthropic body: the last chunk also has invocation metrics. */
export const bedrockInvokeAnthropicStream = [
  { type: 'message_start', message: { usage: { input_tokens: 30, output_tokens: 1 } } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
  { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } },
  {
    type: 'message_stop',
    'amazon-bedrock-invocationMetrics': {
      inputTokenCount: 30,
      outputTokenCount: 42,
      invocationLatency: 900,
      firstByteLatency: 300,
    },
  },
];

export const bedrockLlamaStream = [
  { generation: 'Hello', prompt_token_count: null, generation_token_count: 1, stop_reason: null },
  {
    generation: '',
    prompt_token_count: null,
    generation_token_count: 20,
    stop_reason: 'stop',
    'amazon-bedrock-invocationMetrics': {
      inputTokenCount: 18,
      outputTokenCount: 20,
      invocationLatency: 500,
      firstByteLatency: 100,
    },
  },
];

/** SSE events as `{event, data}` with `data` still a JSON string (as some clients capture them). */
export const anthropicSseRaw = [
  { event: 'message_start', data: JSON.stringify(anthropicStream[0]) },
  { event: 'message_delta', data: JSON.stringify(anthropicStream[5]) },
  { event: 'message_stop', data: '{"type":"message_stop"}' },
];
